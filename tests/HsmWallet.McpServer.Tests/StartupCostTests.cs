namespace HsmWallet.McpServer.Tests;

/// <summary>
/// What the start-up no longer does on the way to the first answer (docs/performance.md) must not weaken how the server
/// protects itself: the temporary folder is skipped only by a binary that cannot have a .NET diagnostics port.
/// </summary>
public sealed class StartupCostTests
{
    [Fact]
    public void A_native_binary_built_without_EventSource_has_no_diagnostics_port_so_the_temporary_folder_is_not_listed()
    {
        Assert.False(ServerProcess.EventPipeMayBeLinked(name => name == ServerProcess.EventSourceSwitch ? false : null));
    }

    [Fact]
    public void A_binary_with_EventSource_or_without_the_switch_is_still_searched_for_its_diagnostics_port()
    {
        Assert.True(ServerProcess.EventPipeMayBeLinked(name => name == ServerProcess.EventSourceSwitch ? true : null));
        Assert.True(ServerProcess.EventPipeMayBeLinked(_ => null));
    }
}
