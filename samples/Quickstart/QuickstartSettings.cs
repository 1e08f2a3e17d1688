// Where the quickstart's settings come from, and the one line it prints when one is wrong or missing.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace ImageService.Samples.Quickstart;

/// <summary>
/// The quickstart's settings, from (lowest to highest) appsettings.json, the .NET configuration variables
/// (<c>ImageService__Endpoint</c>, ...), the documented variables (<c>IMAGESERVICE_ENDPOINT</c>, ...) and the command
/// line (<c>--endpoint</c>, ...). A name it does not know is an error that names the right one, never ignored.
/// </summary>
internal sealed class QuickstartSettings
{
    public const string Usage =
        "Usage: dotnet run --project samples/Quickstart [-- [--emulator] [--endpoint <url>] [--token <token>] [--subscription <id>] [--resource-group <name>] [--workspace <name>]]";

    private const string EnvironmentPrefix = "IMAGESERVICE_";

    /// <summary>Each setting: its configuration key (under ImageService), its option, its environment variable.</summary>
    private static readonly (string Key, string Option, string Variable, string Meaning)[] s_settings =
    [
        ("Endpoint", "--endpoint", "IMAGESERVICE_ENDPOINT", "the service's URL, for example http://127.0.0.1:5080/ for a standalone emulator"),
        ("Token", "--token", "IMAGESERVICE_TOKEN", "a bearer token to send (an emulator's); without it, DefaultAzureCredential signs in"),
        ("SubscriptionId", "--subscription", "IMAGESERVICE_SUBSCRIPTION_ID", "the workspace's subscription id"),
        ("ResourceGroup", "--resource-group", "IMAGESERVICE_RESOURCE_GROUP", "the workspace's resource group"),
        ("Workspace", "--workspace", "IMAGESERVICE_WORKSPACE", "the workspace name"),
    ];

    private QuickstartSettings(IConfiguration configuration, bool useEmulator, bool help)
    {
        Configuration = configuration;
        UseEmulator = useEmulator;
        Help = help;
    }

    /// <summary>Everything configured: the <c>ImageService</c> section binds to ImageServiceClientOptions.</summary>
    public IConfiguration Configuration { get; }

    /// <summary><c>--emulator</c>: run against the embedded emulator even if an endpoint is configured.</summary>
    public bool UseEmulator { get; }

    /// <summary><c>--help</c>.</summary>
    public bool Help { get; }

    public string? Token => Value("Token");

    /// <summary>The settings, or the one line that says what is wrong with them.</summary>
    public static QuickstartSettings Read(string[] args, IDictionary environment, out string? error)
    {
        error = null;
        var fromEnvironment = new Dictionary<string, string?>();
        foreach (DictionaryEntry variable in environment)
        {
            string name = (string)variable.Key;
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var setting = s_settings.FirstOrDefault(s => s.Variable.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (setting.Key is null)
            {
                error = $"The environment variable {name} is not a setting of the quickstart; its names are {string.Join(", ", s_settings.Select(s => s.Variable))}.";
                return Empty;
            }

            fromEnvironment[$"ImageService:{setting.Key}"] = (string?)variable.Value;
        }

        var fromArguments = new Dictionary<string, string?>();
        bool useEmulator = false, help = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                help = true;
                continue;
            }

            if (args[i] == "--emulator")
            {
                useEmulator = true;
                continue;
            }

            var setting = s_settings.FirstOrDefault(s => s.Option == args[i]);
            if (setting.Key is null)
            {
                error = $"Unknown argument '{args[i]}'. {Usage}";
                return Empty;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"{setting.Option} needs a value: {setting.Meaning}.";
                return Empty;
            }

            fromArguments[$"ImageService:{setting.Key}"] = args[++i];
        }

        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(fromEnvironment)
            .AddInMemoryCollection(fromArguments)
            .Build();
        return new QuickstartSettings(configuration, useEmulator, help);
    }

    /// <summary>
    /// The one line for a setting that a service needs and nobody gave: which option to pass (and which variable to set).
    /// </summary>
    public static string Missing(string key, Uri endpoint)
    {
        var setting = s_settings.Single(s => s.Key == key);
        return $"The image service at {endpoint} needs {setting.Meaning}: pass {setting.Option} <value> (or set {setting.Variable}). " +
            $"Against an emulator, pass --token <its token> and the emulator's workspace is assumed.";
    }

    /// <summary>A failure of the client's options validation, with the option and variable that set the value it names.</summary>
    public static string Explain(string failure) =>
        s_settings.FirstOrDefault(s => failure.Contains($"ImageServiceClientOptions.{s.Key} ", StringComparison.Ordinal)) is { Key: not null } setting
            ? $"{failure} Pass {setting.Option} <value> (or set {setting.Variable})."
            : $"{failure} ({Names()})";

    /// <summary>How to point the quickstart at another service: the options and the variables.</summary>
    public static string Names() =>
        $"options {string.Join(", ", s_settings.Select(s => s.Option))}; or variables {string.Join(", ", s_settings.Select(s => s.Variable))}";

    public string? Value(string key) => Configuration[$"ImageService:{key}"] is { Length: > 0 } value ? value : null;

    private static QuickstartSettings Empty => new(new ConfigurationBuilder().Build(), false, false);
}
