namespace HsmWallet.Core.Xrpl.Codec.Definitions;

/// <summary>
/// One row of the field table: everything needed to write or read a field, with its header bytes
/// computed once so encoding never recomputes them.
/// </summary>
internal sealed class FieldDefinition
{
    /// <summary>Builds a row and precomputes its header.</summary>
    public FieldDefinition(
        string name, string typeName, int typeCode, int nth, bool isVariableLength, bool isSerialized, bool isSigningField, FieldKind kind, int width)
    {
        Name = name;
        TypeName = typeName;
        TypeCode = typeCode;
        Nth = nth;
        IsVariableLength = isVariableLength;
        IsSerialized = isSerialized;
        IsSigningField = isSigningField;
        Kind = kind;
        Width = width;
        Ordinal = (typeCode << 16) | nth;
        Header = isSerialized && typeCode is > 0 and < 256 && nth is > 0 and < 256
            ? Binary.FieldHeader.Encode(typeCode, nth)
            : [];
    }

    /// <summary>The JSON name.</summary>
    public string Name { get; }

    /// <summary>The type name from the table (e.g. "Hash256").</summary>
    public string TypeName { get; }

    /// <summary>The type code that leads the header and orders fields.</summary>
    public int TypeCode { get; }

    /// <summary>The field's number within its type.</summary>
    public int Nth { get; }

    /// <summary>True when the value is preceded by its length.</summary>
    public bool IsVariableLength { get; }

    /// <summary>False for fields that exist only in JSON (hash, index, ...).</summary>
    public bool IsSerialized { get; }

    /// <summary>False for fields left out of what is signed (signatures themselves).</summary>
    public bool IsSigningField { get; }

    /// <summary>How the value is encoded.</summary>
    public FieldKind Kind { get; }

    /// <summary>The byte width of fixed-width hex kinds; 0 otherwise.</summary>
    public int Width { get; }

    /// <summary>Type code and nth in one number: the canonical sort key.</summary>
    public int Ordinal { get; }

    /// <summary>The 1 to 3 header bytes.</summary>
    public byte[] Header { get; }
}
