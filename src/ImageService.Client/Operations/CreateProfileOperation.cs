namespace ImageService.Client;

/// <summary>The creation of an image profile, started by <see cref="ImageServiceClient.StartCreateProfileAsync"/>.</summary>
public class CreateProfileOperation : ImageServiceOperation<ProfileResponse>
{
    /// <summary>Initializes a new instance of the <see cref="CreateProfileOperation"/> class for mocking.</summary>
    protected CreateProfileOperation()
    {
    }

    internal CreateProfileOperation(string id, Driver driver)
        : base(id, driver)
    {
    }
}
