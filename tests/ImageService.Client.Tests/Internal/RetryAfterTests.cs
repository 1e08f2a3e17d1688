using System;
using System.Collections.Generic;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class RetryAfterTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("x-ms-retry-after-ms", "1500", 1_500d)]
    [InlineData("x-ms-retry-after-ms", "0", 0d)]
    [InlineData("x-ms-retry-after-ms", "2.5", 2.5d)]
    [InlineData("Retry-After", "7", 7_000d)]
    [InlineData("Retry-After", "0", 0d)]
    [InlineData("Retry-After", "4294968", 4_294_968_000d)]
    [InlineData("retry-after", " 3 ", 3_000d)]
    public void Read_Value_IsTheDelay(string header, string value, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryAfter.Read(Headers((header, value)), s_now));
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "1e20")]
    [InlineData("x-ms-retry-after-ms", "Infinity")]
    [InlineData("x-ms-retry-after-ms", "1e308")]
    [InlineData("Retry-After", "99999999999999999999999999999")]
    [InlineData("Retry-After", "9223372036854775807")]
    public void Read_PastWhatTimeSpanHolds_Saturates(string header, string value)
    {
        Assert.Equal(TimeSpan.MaxValue, RetryAfter.Read(Headers((header, value)), s_now));
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "-5")]
    [InlineData("x-ms-retry-after-ms", "NaN")]
    [InlineData("x-ms-retry-after-ms", "soon")]
    [InlineData("Retry-After", "-5")]
    [InlineData("Retry-After", "7.5")]
    [InlineData("Retry-After", "soon")]
    [InlineData("Retry-After", "")]
    public void Read_Unreadable_IsIgnored(string header, string value)
    {
        Assert.Null(RetryAfter.Read(Headers((header, value)), s_now));
    }

    [Fact]
    public void Read_BothHeaders_MillisecondsWin()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(300), RetryAfter.Read(Headers(("x-ms-retry-after-ms", "300"), ("Retry-After", "30")), s_now));
    }

    [Fact]
    public void Read_UnreadableMilliseconds_FallsBackToRetryAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfter.Read(Headers(("x-ms-retry-after-ms", "NaN"), ("Retry-After", "30")), s_now));
    }

    [Theory]
    [InlineData("Thu, 01 Jan 2026 00:00:12 GMT", 12d)]
    [InlineData("Wed, 31 Dec 2025 23:00:00 GMT", 0d)] // past: now
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT", 251_635_075_199d)] // far future: large, not an overflow
    public void Read_HttpDate_IsTheTimeUntilThen(string date, double expectedSeconds)
    {
        TimeSpan? delay = RetryAfter.Read(Headers(("Retry-After", date)), s_now);

        Assert.NotNull(delay);
        Assert.Equal(expectedSeconds, Math.Round(delay.Value.TotalSeconds), 0);
    }

    [Fact]
    public void Read_NoHeader_IsNull()
    {
        Assert.Null(RetryAfter.Read(Headers(), s_now));
    }

    [Theory]
    [InlineData(5, 60, 5)]
    [InlineData(120, 60, 60)]
    [InlineData(-1, 60, 0)]
    [InlineData(1, -1, 0)] // the cap is what remains of a budget already spent
    [InlineData(0, -5, 0)]
    public void Cap_Delay_StaysBetweenZeroAndTheCap(int seconds, int capSeconds, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryAfter.Cap(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(capSeconds)));
        Assert.Equal(TimeSpan.FromSeconds(60), RetryAfter.Cap(TimeSpan.MaxValue, TimeSpan.FromSeconds(60)));
    }

    private static Dictionary<string, IEnumerable<string>> Headers(params (string Name, string Value)[] headers)
    {
        var map = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string value) in headers)
        {
            map[name] = [value];
        }

        return map;
    }
}
