using System.Text.RegularExpressions;

namespace HsmWallet.Core.State;

/// <summary>
/// The one rule for document names in every backend: one folder and a file name of lower-case letters, digits,
/// dot, dash and underscore, no leading dot; so no name climbs out of the home or means two things in two backends.
/// </summary>
public static partial class StateName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>Returns <paramref name="name"/> when it follows the rule; throws naming the rule otherwise.</summary>
    public static string Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxLength || !Pattern().IsMatch(name))
        {
            throw new InvalidInputException("state document", "must be FOLDER/FILE of a-z, 0-9, '.', '-', '_' (no leading dot), at most 200 characters");
        }

        return name;
    }

    /// <summary>Returns <paramref name="folder"/> when it is one name segment; throws naming the rule otherwise.</summary>
    public static string CheckFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!FolderPattern().IsMatch(folder))
        {
            throw new InvalidInputException("state folder", "must be one segment of a-z, 0-9, '-', '_'");
        }

        return folder;
    }

    [GeneratedRegex("^[a-z0-9_-]{1,40}/[a-z0-9_-][a-z0-9._-]{0,150}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-z0-9_-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex FolderPattern();
}
