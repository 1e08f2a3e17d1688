using System;
using System.Globalization;
using System.Text;

namespace ImageService.Client;

/// <summary>
/// The one exception type of the client for anything that went wrong talking to the image service: an error status, a
/// response that cannot be read, a transport failure after all retries, a timeout, an open circuit, or a long-running
/// operation that did not succeed. A cancellation requested by the caller stays an <see cref="OperationCanceledException"/>.
/// </summary>
public class ImageServiceException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ImageServiceException"/> class.</summary>
    public ImageServiceException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ImageServiceException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ImageServiceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ImageServiceException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ImageServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ImageServiceException"/> class for an error response.</summary>
    /// <param name="status">The HTTP status code, or 0 when no response was received.</param>
    /// <param name="message">The message.</param>
    /// <param name="error">The service's error body, if any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ImageServiceException(int status, string message, ModelErrorResponse? error = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Error = error;
        ErrorCode = error?.Code;
    }

    /// <summary>Gets the HTTP status code of the failed response, or 0 when there was none (transport failure, timeout, failed operation).</summary>
    public int Status { get; }

    /// <summary>Gets the service's error code (<c>error.code</c>), if any.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the service's error body, if any.</summary>
    public ModelErrorResponse? Error { get; }

    /// <summary>Gets the <c>x-ms-client-request-id</c> sent with the failed call, to quote when asking for support.</summary>
    public string? ClientRequestId { get; internal set; }

    /// <summary>Gets the log of a failed long-running operation, if any.</summary>
    public string? OperationLog { get; init; }

    /// <summary>Gets the build log of the image of a failed create operation, if known.</summary>
    public Uri? BuildLogUri { get; init; }

    /// <summary>Gets the id of the failed long-running operation, if any.</summary>
    public string? OperationId { get; init; }

    internal static string FormatMessage(string summary, int status, ModelErrorResponse? error)
    {
        var text = new StringBuilder(summary);
        if (status != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Status: {status}.");
        }

        if (!string.IsNullOrEmpty(error?.Code))
        {
            text.Append(CultureInfo.InvariantCulture, $" ErrorCode: {error.Code}.");
        }

        if (!string.IsNullOrEmpty(error?.Message))
        {
            text.Append(CultureInfo.InvariantCulture, $" Message: {error.Message}");
        }

        return text.ToString();
    }
}
