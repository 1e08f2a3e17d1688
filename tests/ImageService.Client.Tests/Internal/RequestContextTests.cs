using System;
using System.Collections.Generic;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class RequestContextTests
{
    [Fact]
    public void NewClientRequestId_Always_IsAVersion4RfcVariantGuid()
    {
        for (int i = 0; i < 1_000; i++)
        {
            string id = RequestContext.NewClientRequestId();

            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
            Assert.Equal(4, Guid.Parse(id).Version);
        }
    }

    [Fact]
    public void NewClientRequestId_ManyCalls_NeverRepeats()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(seen.Add(RequestContext.NewClientRequestId()));
        }
    }
}
