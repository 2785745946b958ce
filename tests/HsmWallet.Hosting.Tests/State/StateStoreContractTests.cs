using System.Buffers.Binary;
using HsmWallet.Core;
using HsmWallet.Core.State;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>
/// What every state store backend must do the same way (the home's files and PostgreSQL run these same tests): keep
/// documents under checked names, bound their size, serialize a scope across instances and threads, and let a nested
/// call on the same thread join the outer one.
/// </summary>
public abstract class StateStoreContractTests
{
    /// <summary>A new store instance on this test's backing (the same home, the same database), as another process would open it.</summary>
    protected abstract IStateStore OpenStore();

    [Fact]
    public void A_written_document_reads_back_and_is_listed_in_its_folder_in_order()
    {
        var store = OpenStore();
        store.Exclusive("state/test.json", session =>
        {
            session.Write("approvals/apv_b.json", [2]);
            session.Write("approvals/apv_a.json", [1]);
            session.Write("state/policy-counters.json", [3, 4]);
            return 0;
        });

        store.Exclusive("state/test.json", session =>
        {
            Assert.Equal(new byte[] { 1 }, session.Read("approvals/apv_a.json"));
            Assert.Equal(new byte[] { 3, 4 }, session.Read("state/policy-counters.json"));
            Assert.Equal(["approvals/apv_a.json", "approvals/apv_b.json"], session.List("approvals"));
            Assert.Empty(session.List("nothing"));
            return 0;
        });
    }

    [Fact]
    public void A_write_replaces_the_document_and_delete_says_whether_there_was_one()
    {
        var store = OpenStore();
        store.Exclusive("state/test.json", session =>
        {
            Assert.Null(session.Read("state/missing.json"));
            session.Write("state/doc.json", [1, 2, 3]);
            session.Write("state/doc.json", [9]);
            Assert.Equal(new byte[] { 9 }, session.Read("state/doc.json"));
            Assert.True(session.Delete("state/doc.json"));
            Assert.False(session.Delete("state/doc.json"));
            Assert.Null(session.Read("state/doc.json"));
            Assert.Empty(session.List("state"));
            return 0;
        });
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("state/../vault.json")]
    [InlineData("state/.hidden")]
    [InlineData("State/Upper.json")]
    [InlineData("state/a/b.json")]
    [InlineData("state")]
    [InlineData("/state/x.json")]
    [InlineData("state/x y.json")]
    public void A_bad_document_name_is_refused_naming_the_rule(string name)
    {
        var store = OpenStore();
        foreach (var use in new Action<IStateSession>[]
        {
            session => session.Read(name),
            session => session.Write(name, [1]),
            session => session.Delete(name),
        })
        {
            var error = Assert.Throws<InvalidInputException>(() => store.Exclusive("state/test.json", session =>
            {
                use(session);
                return 0;
            }));
            Assert.Equal("state document", error.Field);
            Assert.Contains("FOLDER/FILE", error.Rule, StringComparison.Ordinal);
        }

        var scope = Assert.Throws<InvalidInputException>(() => store.Exclusive(name, _ => 0));
        Assert.Contains("FOLDER/FILE", scope.Rule, StringComparison.Ordinal);
        var folder = Assert.Throws<InvalidInputException>(() => store.Exclusive("state/test.json", session => session.List("../state")));
        Assert.Equal("state folder", folder.Field);
    }

    [Fact]
    public void A_document_over_one_MiB_is_refused_naming_the_rule_and_the_old_content_stays()
    {
        var store = OpenStore();
        store.Exclusive("state/test.json", session =>
        {
            session.Write("state/big.json", new byte[StateDocument.MaxBytes]);
            return 0;
        });
        var error = Assert.Throws<InvalidInputException>(() => store.Exclusive("state/test.json", session =>
        {
            session.Write("state/big.json", new byte[StateDocument.MaxBytes + 1]);
            return 0;
        }));
        Assert.Contains("1 MiB", error.Rule, StringComparison.Ordinal);
        Assert.Equal(StateDocument.MaxBytes, store.Exclusive("state/test.json", session => session.Read("state/big.json")!.Length));
    }

    [Fact]
    public void A_counter_incremented_by_many_threads_through_two_instances_ends_exact()
    {
        const int Threads = 8;
        const int Rounds = 25;
        var stores = new[] { OpenStore(), OpenStore() };
        var threads = Enumerable.Range(0, Threads).Select(index => new Thread(() =>
        {
            var store = stores[index % 2];
            for (var round = 0; round < Rounds; round++)
            {
                store.Exclusive("state/counter.json", session =>
                {
                    var current = session.Read("state/counter.json") is { } bytes ? BinaryPrimitives.ReadInt32BigEndian(bytes) : 0;
                    Thread.Yield();
                    var next = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(next, current + 1);
                    session.Write("state/counter.json", next);
                    return 0;
                });
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        var total = OpenStore().Exclusive("state/counter.json", session => BinaryPrimitives.ReadInt32BigEndian(session.Read("state/counter.json")!));
        Assert.Equal(Threads * Rounds, total);
    }

    [Fact]
    public void A_nested_call_on_the_same_thread_joins_the_outer_session_on_the_same_and_another_scope()
    {
        var store = OpenStore();
        var seen = store.Exclusive("state/signing.json", outer =>
        {
            outer.Write("state/signing.json", [1]);
            var inner = store.Exclusive("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                return nested.Read("state/signing.json")![0];
            });
            var again = store.Exclusive("state/signing.json", nested => nested.Read("state/policy-counters.json")![0]);
            return (inner, again);
        });

        Assert.Equal((1, 2), (seen.inner, seen.again));
        var other = OpenStore();
        Assert.Equal(new byte[] { 2 }, other.Exclusive("state/test.json", session => session.Read("state/policy-counters.json")));
    }

    [Fact]
    public void A_scope_held_by_one_instance_is_waited_for_by_another()
    {
        var first = OpenStore();
        var second = OpenStore();
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() => first.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            holding.Set();
            release.Wait();
            session.Write("state/signing.json", [2]);
            return 0;
        }));
        holder.Start();
        holding.Wait();
        byte[]? seen = null;
        var waiter = new Thread(() => seen = second.Exclusive("state/signing.json", session => session.Read("state/signing.json")));
        waiter.Start();

        // The waiter cannot finish while the holder holds the scope; it sees the holder's last write once released.
        Assert.False(waiter.Join(300));
        release.Set();
        holder.Join();
        waiter.Join();
        Assert.Equal(new byte[] { 2 }, seen);
    }

    [Fact]
    public void A_document_written_by_one_instance_is_read_by_another()
    {
        OpenStore().Exclusive("approvals/apv_0123.json", session =>
        {
            session.Write("approvals/apv_0123.json", "{\"state\":\"pending\"}"u8);
            return 0;
        });

        var read = OpenStore().Exclusive("approvals/apv_0123.json", session => session.Read("approvals/apv_0123.json"));
        Assert.Equal("{\"state\":\"pending\"}"u8.ToArray(), read);
    }
}
