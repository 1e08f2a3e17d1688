using System;
using System.Collections.Generic;
using System.IO;
using BenchmarkDotNet.Attributes;
using ImageService.Client;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace ImageService.Benchmarks;

/// <summary>
/// 2. Deserialize a page of 1,000 images with modelDetails from a stream: the SDK's path (what the generated client
/// does per response: a serializer from the client's settings, its polymorphic converter) against raw Newtonsoft
/// streaming into the same DTO types (the concrete type known up front, no discriminator) and against
/// System.Text.Json with a source-generated context over equivalent POCOs (the practical limit).
/// </summary>
public class PageDeserializationBenchmarks
{
    private static readonly JsonSerializerSettings s_sdkSettings = ImageServiceJson.CreateSettings();

    private static readonly JsonSerializer s_raw = JsonSerializer.Create(new JsonSerializerSettings
    {
        // The same reading rules as the SDK (dates keep their offsets), without the discriminator converter.
        ContractResolver = new NoPolymorphismContractResolver(),
        DateParseHandling = DateParseHandling.DateTimeOffset,
        MetadataPropertyHandling = MetadataPropertyHandling.Ignore,
    });

    [GlobalSetup]
    public void Setup()
    {
        PaginatedImageList sdk = Sdk();
        Check.That(sdk.Value is { Count: Payloads.PageSize } && sdk.Value[999] is DockerImageResponse { ModelDetails.Count: 2 }, "SDK page");
        Check.That(RawNewtonsoft().Value is { Count: Payloads.PageSize } raw && raw[999].ModelDetails?.Count == 2, "raw page");
        Check.That(SystemTextJsonSourceGen().Value is { Count: Payloads.PageSize } stj && stj[999].ModelDetails?.Count == 2, "STJ page");
    }

    [Benchmark(Baseline = true)]
    public RawPage RawNewtonsoft()
    {
        using var reader = new JsonTextReader(new StreamReader(Payloads.PageStream()));
        return s_raw.Deserialize<RawPage>(reader)!;
    }

    [Benchmark]
    public PaginatedImageList Sdk()
    {
        // Exactly the generated client's ReadObjectResponseAsync, on a stream already in memory.
        using var reader = new JsonTextReader(new StreamReader(Payloads.PageStream()));
        JsonSerializer serializer = JsonSerializer.Create(s_sdkSettings);
        return serializer.Deserialize<PaginatedImageList>(reader)!;
    }

    [Benchmark]
    public StjPage SystemTextJsonSourceGen()
    {
        using Stream stream = Payloads.PageStream();
        return System.Text.Json.JsonSerializer.Deserialize(stream, StjContext.Default.StjPage)!;
    }

    /// <summary>The page as raw Newtonsoft sees it when the concrete item type is known.</summary>
    public sealed class RawPage
    {
        [JsonProperty("value")]
        public List<DockerImageResponse>? Value { get; set; }

        [JsonProperty("nextLink")]
        public string? NextLink { get; set; }
    }

    /// <summary>The SDK's DTOs without the class-level polymorphic converter they inherit.</summary>
    private sealed class NoPolymorphismContractResolver : DefaultContractResolver
    {
        protected override JsonConverter? ResolveContractConverter(Type objectType) =>
            typeof(ImageResponseBase).IsAssignableFrom(objectType) ? null : base.ResolveContractConverter(objectType);
    }
}
