using System;
using System.ComponentModel;
using System.Globalization;

namespace ImageService.Emulator.Contracts;

// CUSTOM: lets MVC bind the generated extensible-enum struct from the query string (?orderBy=createdatasc).
[TypeConverter(typeof(ImageOrderByConverter))]
public readonly partial struct ImageOrderBy
{
}

/// <summary>Converts query-string text to <see cref="ImageOrderBy"/> (any value; validity is checked by the action).</summary>
internal sealed class ImageOrderByConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? new ImageOrderBy(text.Trim()) : base.ConvertFrom(context, culture, value);
}
