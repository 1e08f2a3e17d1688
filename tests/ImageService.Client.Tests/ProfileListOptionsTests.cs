using System;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests;

/// <summary>
/// <see cref="ProfileListOptions"/>: what the generator made of the spec's Profiles_ListQuery parameters, how
/// ListProfilesAsync sends them, and the filter grammar's refusals.
/// </summary>
public class ProfileListOptionsTests
{
    [Fact]
    public void ProfileListOptions_Generated_HasTheSpecsOptionalParametersTypedFromTheSpec()
    {
        // Generated from the spec (name, description: string; orderBy: the ImageOrderBy schema); the rest by hand.
        Assert.Equal(typeof(string), Property<ProfileListOptions>("Name").PropertyType);
        Assert.Equal(typeof(string), Property<ProfileListOptions>("Description").PropertyType);
        Assert.Equal(typeof(ImageOrderBy?), Property<ProfileListOptions>("OrderBy").PropertyType);
        Assert.Equal(
            ["Description", "Name", "OrderBy", "PageSize", "Properties", "Tags"],
            typeof(ProfileListOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListProfilesAsync_Filter_IsSentAsQuery()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""));
        ImageServiceClient client = clients.Create(stub);
        var filter = new ProfileListOptions { Name = "p", Description = "load test", OrderBy = ImageOrderBy.CreatedAtAsc, PageSize = 5 };
        filter.Tags["team"] = null;
        filter.Tags["stage"] = "dev";
        filter.Properties["runs"] = "3";

        await foreach (ProfileResponse _ in client.ListProfilesAsync("img:1", filter))
        {
        }

        TransportRequest request = Assert.Single(stub.Requests);
        Assert.EndsWith("/images/img%3A1/profiles", request.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("?name=p&description=load test&tags=team,stage=dev&properties=runs=3&count=5&orderBy=CreatedAtAsc", Uri.UnescapeDataString(request.Uri.Query));
    }

    [Fact]
    public async Task ListProfilesAsync_PageSizeHint_WinsOverPageSize()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""));
        ImageServiceClient client = clients.Create(stub);

        await foreach (ImageServicePage<ProfileResponse> _ in client.ListProfilesAsync("img:1", new ProfileListOptions { PageSize = 5 }).AsPages(pageSizeHint: 2))
        {
        }

        Assert.Equal("?count=2", Assert.Single(stub.Requests).Uri.Query);
    }

    [Theory]
    [InlineData("Tags", "team", "a,b", "'team' = 'a,b'")]
    [InlineData("Tags", "k=v", "x", "'k=v' = 'x'")]
    [InlineData("Properties", "a,b", null, "'a,b'")]
    [InlineData("Properties", "", "x", "'' = 'x'")]
    public void ListProfilesAsync_FilterTheGrammarCannotExpress_ThrowsBeforeAnyRequest(string which, string key, string? value, string entry)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""));
        ImageServiceClient client = clients.Create(stub);
        var filter = new ProfileListOptions();
        (which == "Tags" ? filter.Tags : filter.Properties)[key] = value;

        // Refused when the listing is asked for, before it is enumerated.
        ArgumentException refused = Assert.Throws<ArgumentException>(() => client.ListProfilesAsync("img:1", filter));

        Assert.Equal("filter", refused.ParamName);
        Assert.Contains($"ProfileListOptions.{which} entry {entry} cannot be sent", refused.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    private static PropertyInfo Property<T>(string name) =>
        typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance) ?? throw new InvalidOperationException($"{typeof(T).Name} has no public property {name}.");
}
