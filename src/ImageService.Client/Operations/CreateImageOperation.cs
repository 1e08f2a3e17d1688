namespace ImageService.Client;

/// <summary>The build of a new image, started by <see cref="ImageServiceClient.StartCreateImageAsync"/> or resumed by <see cref="ImageServiceClient.GetCreateImageOperation"/>.</summary>
public class CreateImageOperation : ImageServiceOperation<ImageResponseBase>
{
    /// <summary>Initializes a new instance of the <see cref="CreateImageOperation"/> class for mocking.</summary>
    protected CreateImageOperation()
    {
    }

    internal CreateImageOperation(string id, Driver driver)
        : base(id, driver)
    {
    }
}
