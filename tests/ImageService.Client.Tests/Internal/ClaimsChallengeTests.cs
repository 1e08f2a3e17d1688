using System.Net;
using System.Net.Http;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class ClaimsChallengeTests
{
    private const string Encoded = "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==";
    private const string Decoded = """{"access_token":{"nbf":{"essential":true}}}""";

    [Theory]
    [InlineData("Bearer error=\"insufficient_claims\", claims=\"" + Encoded + "\"")]
    [InlineData("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"" + Encoded + "\"")]
    [InlineData("Basic realm=\"x, y\", Bearer error=\"insufficient_claims\",claims=\"" + Encoded + "\"")]
    [InlineData("bearer Error=\"Insufficient_Claims\", CLAIMS=\"" + Encoded + "\"")]
    [InlineData("PoP nonce=\"abc\", Bearer error=\"insufficient_claims\", claims=\"" + Encoded + "\"")]
    public void GetClaims_CaeChallenge_ReturnsDecodedClaims(string header)
    {
        using HttpResponseMessage response = Unauthorized(header);

        Assert.Equal(Decoded, ClaimsChallenge.GetClaims(response));
    }

    [Theory]
    [InlineData("Bearer error=\"invalid_token\", claims=\"" + Encoded + "\"")]
    [InlineData("Bearer error=\"insufficient_claims\"")]
    [InlineData("Bearer error=\"insufficient_claims\", claims=\"\"")]
    [InlineData("Bearer error=\"insufficient_claims\", claims=\"%%not base64%%\"")]
    [InlineData("Basic error=\"insufficient_claims\", claims=\"" + Encoded + "\"")]
    [InlineData("Bearer")]
    [InlineData("")]
    [InlineData("\"unterminated")]
    public void GetClaims_NotACaeChallenge_ReturnsNull(string header)
    {
        using HttpResponseMessage response = Unauthorized(header);

        Assert.Null(ClaimsChallenge.GetClaims(response));
    }

    [Fact]
    public void GetClaims_QuotedValueWithEscapes_IsUnescaped()
    {
        using HttpResponseMessage response = Unauthorized("Bearer error_description=\"a \\\"quoted\\\" word, and a comma\", error=\"insufficient_claims\", claims=\"" + Encoded + "\"");

        Assert.Equal(Decoded, ClaimsChallenge.GetClaims(response));
    }

    private static HttpResponseMessage Unauthorized(string header)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }
}
