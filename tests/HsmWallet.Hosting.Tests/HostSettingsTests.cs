using HsmWallet.Core;

namespace HsmWallet.Hosting.Tests;

/// <summary>The network a command line names: unknown names refused wherever they stand; a URL keeps a named network's rules.</summary>
public sealed class HostSettingsTests
{
    private static string? NoEnvironment(string name) => null;

    [Theory]
    [InlineData("mainet", null)]
    [InlineData("mainet", "http://127.0.0.1:5005/")]
    [InlineData("Testnet", "http://127.0.0.1:5005/")]
    public void An_unknown_network_name_is_refused_even_beside_a_url(string network, string? url)
    {
        var error = Assert.Throws<InvalidInputException>(() => HostSettings.Resolve("/tmp/home", network, url, NoEnvironment));

        // Hosting names the field; each front end names its flag (--network on both command lines).
        Assert.Equal("network", error.Field);
    }

    [Fact]
    public void A_url_alone_is_custom_and_a_url_with_a_network_is_that_network_whose_id_is_checked()
    {
        var custom = HostSettings.Resolve("/tmp/home", null, "http://127.0.0.1:5005/", NoEnvironment);
        var testnetNode = HostSettings.Resolve("/tmp/home", "testnet", "http://127.0.0.1:5005/", NoEnvironment);
        var fromEnvironment = HostSettings.Resolve("/tmp/home", null, "http://127.0.0.1:5005/", name => name == HostSettings.NetworkVariable ? "devnet" : null);

        Assert.Equal("custom", custom.NetworkName);
        Assert.Null(custom.Network.ExpectedNetworkId);
        Assert.Equal("testnet", testnetNode.NetworkName);
        Assert.Equal(1U, testnetNode.Network.ExpectedNetworkId);
        Assert.Equal(new Uri("http://127.0.0.1:5005/"), Assert.Single(testnetNode.Network.JsonRpcEndpoints));
        Assert.Equal("devnet", fromEnvironment.NetworkName);
    }
}
