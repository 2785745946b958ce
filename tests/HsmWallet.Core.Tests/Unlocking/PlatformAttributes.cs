using System.Runtime.Versioning;

// The vault's file-safety tests use Unix permissions: the suite runs on Linux.
[assembly: SupportedOSPlatform("linux")]
