using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ImageService.Emulator;

/// <summary>The standalone emulator: <c>dotnet run --project src/ImageService.Emulator -- --urls http://127.0.0.1:5080 [--data file.db] [--token T]</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new EmulatorOptions { Url = "http://127.0.0.1:5080", LogLevel = LogLevel.Information, BuildStepDuration = TimeSpan.FromSeconds(1) };
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--urls" when value is not null: options.Url = value; i++; break;
                case "--data" when value is not null: options.DataFile = value; i++; break;
                case "--token" when value is not null: options.Token = value; i++; break;
                case "--build-step-ms" when value is not null: options.BuildStepDuration = TimeSpan.FromMilliseconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)); i++; break;
                case "--help" or "-h":
                    Console.WriteLine("Usage: ImageService.Emulator [--urls http://127.0.0.1:5080] [--data file.db] [--token T] [--build-step-ms 1000]");
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Try --help.");
                    return 2;
            }
        }

        await using var emulator = await ImageServiceEmulator.StartAsync(options);
        Console.WriteLine($"Image service emulator listening on {emulator.BaseAddress}");
        Console.WriteLine($"  workspace: {emulator.WorkspaceUri}");
        Console.WriteLine($"  token:     Authorization: Bearer {emulator.AccessToken}");
        Console.WriteLine($"  storage:   {options.DataFile ?? "in memory"}");
        await emulator.WaitForShutdownAsync();
        return 0;
    }
}
