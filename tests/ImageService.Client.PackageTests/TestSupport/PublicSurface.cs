using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>
/// The documentation comment ids (<c>T:</c>, <c>M:</c>, <c>P:</c>, <c>F:</c>, <c>E:</c>, as in the compiler's XML doc
/// file) of every type and member of an assembly that a user can see: public, or protected in an unsealed public
/// type. Read from metadata alone, so the assembly is never loaded.
/// </summary>
internal static class PublicSurface
{
    public static IReadOnlyList<string> DocumentationIds(MetadataReader reader)
    {
        var ids = new List<string>();
        var names = new SignatureNames();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            if (!IsVisible(reader, type))
            {
                continue;
            }

            string typeName = names.GetTypeFromDefinition(reader, handle, 0);
            ids.Add("T:" + typeName);
            bool isSealed = (type.Attributes & TypeAttributes.Sealed) != 0;

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(methodHandle);
                // Accessors are documented through their property or event; operators and constructors are not special here.
                if (!IsVisible(method.Attributes, isSealed) || ((method.Attributes & MethodAttributes.SpecialName) != 0 && !IsOperatorOrConstructor(reader.GetString(method.Name))))
                {
                    continue;
                }

                string name = reader.GetString(method.Name).Replace('.', '#');
                MethodSignature<string> signature = method.DecodeSignature(names, null);
                int genericArity = method.GetGenericParameters().Count;
                string arity = genericArity > 0 ? "``" + genericArity : string.Empty;
                string parameters = signature.ParameterTypes.Length > 0 ? "(" + string.Join(",", signature.ParameterTypes) + ")" : string.Empty;
                string returns = name is "op_Implicit" or "op_Explicit" ? "~" + signature.ReturnType : string.Empty;
                ids.Add($"M:{typeName}.{name}{arity}{parameters}{returns}");
            }

            foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
            {
                PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
                PropertyAccessors accessors = property.GetAccessors();
                if (!new[] { accessors.Getter, accessors.Setter }.Any(a => !a.IsNil && IsVisible(reader.GetMethodDefinition(a).Attributes, isSealed)))
                {
                    continue;
                }

                MethodSignature<string> signature = property.DecodeSignature(names, null);
                string parameters = signature.ParameterTypes.Length > 0 ? "(" + string.Join(",", signature.ParameterTypes) + ")" : string.Empty;
                ids.Add($"P:{typeName}.{reader.GetString(property.Name)}{parameters}");
            }

            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                if ((field.Attributes & FieldAttributes.SpecialName) == 0 && IsVisible((MethodAttributes)(int)(field.Attributes & FieldAttributes.FieldAccessMask), isSealed))
                {
                    ids.Add($"F:{typeName}.{reader.GetString(field.Name)}");
                }
            }

            foreach (EventDefinitionHandle eventHandle in type.GetEvents())
            {
                EventDefinition @event = reader.GetEventDefinition(eventHandle);
                MethodDefinitionHandle adder = @event.GetAccessors().Adder;
                if (!adder.IsNil && IsVisible(reader.GetMethodDefinition(adder).Attributes, isSealed))
                {
                    ids.Add($"E:{typeName}.{reader.GetString(@event.Name)}");
                }
            }
        }

        return ids;
    }

    private static bool IsOperatorOrConstructor(string name) => name.StartsWith("op_", StringComparison.Ordinal) || name is ".ctor" or ".cctor";

    private static bool IsVisible(MethodAttributes attributes, bool declaringTypeIsSealed) =>
        (attributes & MethodAttributes.MemberAccessMask) switch
        {
            MethodAttributes.Public => true,
            MethodAttributes.Family or MethodAttributes.FamORAssem => !declaringTypeIsSealed,
            _ => false,
        };

    private static bool IsVisible(MetadataReader reader, TypeDefinition type)
    {
        TypeAttributes visibility = type.Attributes & TypeAttributes.VisibilityMask;
        if (visibility == TypeAttributes.Public)
        {
            return true;
        }

        if (visibility is not (TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem))
        {
            return false;
        }

        TypeDefinition declaring = reader.GetTypeDefinition(type.GetDeclaringType());
        bool familyOnly = visibility != TypeAttributes.NestedPublic;
        return IsVisible(reader, declaring) && !(familyOnly && (declaring.Attributes & TypeAttributes.Sealed) != 0);
    }

    /// <summary>Type names in documentation-id form: <c>System.Collections.Generic.IList{System.String}</c>, <c>`0</c>, <c>``0</c>.</summary>
    private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => "System.Boolean",
            PrimitiveTypeCode.Byte => "System.Byte",
            PrimitiveTypeCode.SByte => "System.SByte",
            PrimitiveTypeCode.Char => "System.Char",
            PrimitiveTypeCode.Int16 => "System.Int16",
            PrimitiveTypeCode.UInt16 => "System.UInt16",
            PrimitiveTypeCode.Int32 => "System.Int32",
            PrimitiveTypeCode.UInt32 => "System.UInt32",
            PrimitiveTypeCode.Int64 => "System.Int64",
            PrimitiveTypeCode.UInt64 => "System.UInt64",
            PrimitiveTypeCode.Single => "System.Single",
            PrimitiveTypeCode.Double => "System.Double",
            PrimitiveTypeCode.IntPtr => "System.IntPtr",
            PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
            PrimitiveTypeCode.Object => "System.Object",
            PrimitiveTypeCode.String => "System.String",
            PrimitiveTypeCode.TypedReference => "System.TypedReference",
            PrimitiveTypeCode.Void => "System.Void",
            _ => throw new NotSupportedException(typeCode.ToString()),
        };

        public string GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            string name = metadata.GetString(type.Name);
            TypeDefinitionHandle declaring = type.GetDeclaringType();
            return declaring.IsNil
                ? Qualify(metadata.GetString(type.Namespace), name)
                : GetTypeFromDefinition(metadata, declaring, rawTypeKind) + "." + name;
        }

        public string GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference type = metadata.GetTypeReference(handle);
            string name = metadata.GetString(type.Name);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(metadata, (TypeReferenceHandle)type.ResolutionScope, rawTypeKind) + "." + name
                : Qualify(metadata.GetString(type.Namespace), name);
        }

        public string GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            int tick = genericType.LastIndexOf('`');
            return (tick < 0 ? genericType : genericType[..tick]) + "{" + string.Join(",", typeArguments) + "}";
        }

        public string GetGenericTypeParameter(object? genericContext, int index) => "`" + index;

        public string GetGenericMethodParameter(object? genericContext, int index) => "``" + index;

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape) =>
            elementType + "[" + string.Join(",", Enumerable.Repeat("0:", shape.Rank)) + "]";

        public string GetByReferenceType(string elementType) => elementType + "@";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "=FUNC";

        private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
    }
}
