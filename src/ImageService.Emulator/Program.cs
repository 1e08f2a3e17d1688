using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ImageService.Emulator;

/// <summary>
/// The standalone emulator, the <c>imageservice-emulator</c> command of the ImageService.Emulator .NET tool (in the
/// repository: <c>dotnet run --project src/ImageService.Emulator -- --urls http://127.0.0.1:5080 [--data file.db] [--token T]</c>).
/// It prints what a client needs (endpoint, workspace, token, and the settings that point the quickstart at it). A
/// problem with the arguments or at start-up is one line on stderr that says what to do, and a non-zero exit code
/// (2: bad arguments, 1: could not start).
/// </summary>
internal static class Program
{
    private const string Command = "imageservice-emulator";

    private const string Usage =
        "Usage: " + Command + " [--urls http://127.0.0.1:5080] [--data file.db] [--token T] [--build-step-ms 1000] [--request-log 1000]";

    public static async Task<int> Main(string[] args)
    {
        var options = new EmulatorOptions { Url = "http://127.0.0.1:5080", LogLevel = LogLevel.Information, BuildStepDuration = TimeSpan.FromSeconds(1) };
        for (int i = 0; i < args.Length; i++)
        {
            string argument = args[i];
            if (argument is "--help" or "-h")
            {
                Console.WriteLine(Usage);
                return 0;
            }

            if (argument is not ("--urls" or "--data" or "--token" or "--build-step-ms" or "--request-log"))
            {
                return Fail(2, $"Unknown argument '{argument}'. {Usage}");
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Fail(2, $"{argument} needs a value. {Usage}");
            }

            string value = args[++i];
            switch (argument)
            {
                case "--urls" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https":
                    options.Url = value;
                    break;
                case "--urls":
                    return Fail(2, $"--urls '{value}' is not an http or https URL; pass one such as http://127.0.0.1:5080.");
                case "--data":
                    options.DataFile = value;
                    break;
                case "--token" when value.Trim().Length > 0:
                    options.Token = value;
                    break;
                case "--token":
                    return Fail(2, "--token cannot be blank; pass the bearer token clients will send.");
                case "--build-step-ms" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms is >= 0 and <= 86_400_000:
                    options.BuildStepDuration = TimeSpan.FromMilliseconds(ms);
                    break;
                case "--build-step-ms":
                    return Fail(2, $"--build-step-ms '{value}' is not a number of milliseconds between 0 and 86400000; pass for example --build-step-ms 1000.");
                case "--request-log" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int capacity) && capacity >= 0:
                    options.RequestLogCapacity = capacity;
                    break;
                default:
                    return Fail(2, $"--request-log '{value}' is not a whole number of requests, 0 or more; pass for example --request-log 1000.");
            }
        }

        ImageServiceEmulator emulator;
        try
        {
            emulator = await ImageServiceEmulator.StartAsync(options);
        }
        catch (Exception ex)
        {
            return Fail(1, StartFailure(ex, options));
        }

        await using (emulator)
        {
            Console.WriteLine(Banner(emulator));
            await emulator.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>What a client needs to talk to the running emulator, and how to point the quickstart (and any app that reads
    /// the same settings) at it.</summary>
    internal static string Banner(ImageServiceEmulator emulator)
    {
        string endpoint = emulator.BaseAddress.ToString();
        return string.Join(Environment.NewLine,
            $"Image service emulator listening on {endpoint} (Ctrl+C stops it)",
            $"  endpoint:        {endpoint}",
            $"  subscription:    {emulator.SubscriptionId}",
            $"  resource group:  {emulator.ResourceGroup}",
            $"  workspace:       {emulator.Workspace}",
            $"  workspace URL:   {emulator.WorkspaceUri}",
            $"  token:           {emulator.AccessToken} (send Authorization: Bearer {emulator.AccessToken})",
            $"  storage:         {emulator.Options.DataFile ?? "in memory"}",
            "Point a client at it, for example the SDK's quickstart:",
            $"  environment:     IMAGESERVICE_ENDPOINT={endpoint} IMAGESERVICE_SUBSCRIPTION_ID={emulator.SubscriptionId} " +
                $"IMAGESERVICE_RESOURCE_GROUP={emulator.ResourceGroup} IMAGESERVICE_WORKSPACE={emulator.Workspace} IMAGESERVICE_TOKEN={emulator.AccessToken}",
            $"  or options:      --endpoint {endpoint} --token {emulator.AccessToken} (subscription, resource group and workspace default to these)");
    }

    /// <summary>What to tell the user when the emulator cannot start.</summary>
    private static string StartFailure(Exception exception, EmulatorOptions options) => exception switch
    {
        IOException { InnerException: AddressInUseException } =>
            $"Cannot listen on {options.Url}: the address is already in use. Stop whatever listens there, or pass --urls with another port.",
        IOException io when io.Message.Contains("bind", StringComparison.OrdinalIgnoreCase) =>
            $"Cannot listen on {options.Url}: {io.Message} Pass --urls with an address of this machine.",
        SqliteException sqlite =>
            $"Cannot use the data file '{options.DataFile}': {sqlite.Message} Pass --data with a SQLite file this emulator wrote (or a new path in a writable folder), or leave --data out to keep everything in memory.",
        UnauthorizedAccessException denied when options.DataFile is not null =>
            $"Cannot use the data file '{options.DataFile}': {denied.Message} Pass --data with a path this user can write.",
        Newtonsoft.Json.JsonException json when options.DataFile is not null =>
            $"Cannot read the data file '{options.DataFile}': it holds a record this emulator cannot read ({json.Message}). Pass --data with another file.",
        FormatException or InvalidOperationException when exception.Message.Contains("URL", StringComparison.OrdinalIgnoreCase) =>
            $"Cannot listen on {options.Url}: {exception.Message} Pass --urls with a URL such as http://127.0.0.1:5080.",
        _ => $"Cannot start: {exception.GetType().Name}: {exception.Message}",
    };

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"{Command}: {message}");
        return exitCode;
    }
}
