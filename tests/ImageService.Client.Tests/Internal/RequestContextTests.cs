using System;
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
    public void NewClientRequestId_AllButTheVersionAndVariantBits_VaryAcrossIds()
    {
        // A constant, a counter in a few bytes, or a mask that zeroes a byte passes the format test above but leaves bits
        // that never change. Across 1,000 random ids a truly random bit stays the same with probability 2^-999.
        UInt128 ones = UInt128.MinValue, zeros = UInt128.MinValue;
        for (int i = 0; i < 1_000; i++)
        {
            UInt128 bits = UInt128.Parse(RequestContext.NewClientRequestId().Replace("-", string.Empty, StringComparison.Ordinal), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            ones |= bits;
            zeros |= ~bits;
        }

        UInt128 varying = ones & zeros;
        UInt128 fixedBits = (UInt128.One << 79 | UInt128.One << 78 | UInt128.One << 77 | UInt128.One << 76) // the version nibble (13th hex digit)
            | (UInt128.One << 63 | UInt128.One << 62); // the variant's two bits (17th hex digit)
        Assert.Equal(~fixedBits, varying);
    }
}
