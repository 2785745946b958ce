using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// Decides whether a systemd credential file may be read as a secret. systemd writes a credential 0400 and
/// root-owned, then grants the service user read access with a POSIX ACL entry (user:UID:r), so `stat` shows the
/// ACL mask in the group bits (mode 0440) although no group can read it. Where the file system has no ACLs, systemd
/// chowns the file to the service user instead. Both are accepted; a real group or another user that can read is not.
/// </summary>
public static partial class CredentialFileAccess
{
    private const string AccessAclName = "system.posix_acl_access";
    private const int NoData = 61;
    private const int AclVersion = 2;
    private const ushort UserObject = 0x01;
    private const ushort NamedUser = 0x02;
    private const ushort GroupObject = 0x04;
    private const ushort NamedGroup = 0x08;
    private const ushort Mask = 0x10;
    private const ushort Other = 0x20;
    private const ushort ReadPermission = 4;

    private const UnixFileMode Writable = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode OtherAny = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Throws <see cref="UnsafeFilePermissionsException"/> unless the open credential file is owned by this user or
    /// root, no one but its owner can write it, and nothing but the owner and this user can read it.
    /// </summary>
    public static void Check(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var (owner, mode) = UnixFiles.OwnerAndMode(handle, path);
        var self = UnixFiles.EffectiveUserId();
        if (owner != self && owner != 0)
        {
            throw new UnsafeFilePermissionsException(
                path,
                string.Create(CultureInfo.InvariantCulture, $"is owned by uid {owner}, not by this user (uid {self}) or root"),
                string.Create(CultureInfo.InvariantCulture, $"chown {self} {path}"));
        }

        if ((mode & (Writable | OtherAny)) != 0)
        {
            throw OpenToOthers(path, mode);
        }

        if ((mode & UnixFileMode.GroupRead) != 0 && !AclGrantsOnlyThisUser(handle, path, self))
        {
            throw OpenToOthers(path, mode);
        }
    }

    private static UnsafeFilePermissionsException OpenToOthers(string path, UnixFileMode mode)
    {
        var octal = Convert.ToString((int)mode, 8).PadLeft(4, '0');
        return new UnsafeFilePermissionsException(path, $"has mode {octal} and can be read or written by other users", $"chmod 400 {path}");
    }

    // The group bits of a file with an ACL are its mask: the file is private when the ACL names no group, gives the
    // owning group nothing, and names no user but this one.
    private static bool AclGrantsOnlyThisUser(SafeFileHandle handle, string path, uint self)
    {
        var buffer = new byte[4 + (8 * 64)];
        var length = GetAttribute((int)handle.DangerousGetHandle(), AccessAclName, buffer, (nuint)buffer.Length);
        if (length < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == NoData || errno == 95)
            {
                // No ACL: the group bits are a real group's permission.
                return false;
            }

            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{path}: cannot read its ACL (errno {errno})"));
        }

        var acl = buffer.AsSpan(0, (int)length);
        if (acl.Length < 4 || (acl.Length - 4) % 8 != 0 || BinaryPrimitives.ReadInt32LittleEndian(acl) != AclVersion)
        {
            return false;
        }

        for (var offset = 4; offset < acl.Length; offset += 8)
        {
            var tag = BinaryPrimitives.ReadUInt16LittleEndian(acl[offset..]);
            var permission = BinaryPrimitives.ReadUInt16LittleEndian(acl[(offset + 2)..]);
            var id = BinaryPrimitives.ReadUInt32LittleEndian(acl[(offset + 4)..]);
            var allowed = tag switch
            {
                UserObject => true,
                NamedUser => id == self && (permission & ~ReadPermission) == 0,
                GroupObject => permission == 0,
                NamedGroup => false,
                Mask => (permission & ~ReadPermission) == 0,
                Other => permission == 0,
                _ => false,
            };
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetAttribute(int descriptor, string name, byte[] value, nuint size);
}
