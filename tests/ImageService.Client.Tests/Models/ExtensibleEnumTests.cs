using System.Linq;

namespace ImageService.Client.Tests.Models;

public class ExtensibleEnumTests
{
    [Fact]
    public void KnownValues_ImageFlavor_AreTheSeedValues()
    {
        Assert.Equal(
            ["WebApiContainer", "BatchContainer", "IoTContainer", "AccelContainer", "UserProvidedContainer"],
            ImageFlavor.KnownValues.Select(v => v.ToString()));
    }

    [Fact]
    public void KnownValues_AsyncOperationState_AreTheSeedValues()
    {
        Assert.Equal(
            ["NotStarted", "Running", "Cancelled", "Succeeded", "Failed", "TimedOut"],
            AsyncOperationState.KnownValues.Select(v => v.ToString()));
    }

    [Fact]
    public void KnownValues_ImageType_IsDocker()
    {
        Assert.Equal("Docker", Assert.Single(ImageType.KnownValues).ToString());
    }

    [Fact]
    public void Equals_DifferentCase_IsEqualWithSameHashCode()
    {
        ImageFlavor shouted = "WEBAPICONTAINER";

        Assert.True(shouted == ImageFlavor.WebApiContainer);
        Assert.False(shouted != ImageFlavor.WebApiContainer);
        Assert.Equal(ImageFlavor.WebApiContainer.GetHashCode(), shouted.GetHashCode());
        Assert.Equal("WEBAPICONTAINER", shouted.ToString());
    }

    [Fact]
    public void Equals_DifferentValue_IsNotEqual()
    {
        Assert.NotEqual(ImageFlavor.WebApiContainer, ImageFlavor.IoTContainer);
        Assert.False(new ImageFlavor("Serverless").IsKnown);
    }

    [Fact]
    public void Default_HasEmptyStringAndIsUnknown()
    {
        Assert.Equal(string.Empty, default(ImageFlavor).ToString());
        Assert.False(default(ImageFlavor).IsKnown);
    }
}
