using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Xrpl.Transactions;

/// <summary>
/// The one place that turns a transaction and a key into ledger-ready bytes, so single signing,
/// multisigning and combining all follow the same checks: the key must belong to the account it
/// signs for, a signed transaction is never signed over, and the caller's JSON is never modified.
/// </summary>
public static class TransactionSigner
{
    /// <summary>
    /// Signs a transaction with one key. <paramref name="signingFor"/> names the account when the key
    /// is that account's regular key; otherwise the transaction's Account must be the key's own.
    /// </summary>
    public static SignedTransaction Sign(JsonObject transaction, IXrplSigner key, AccountId? signingFor = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(key);
        var tx = PrepareCopy(transaction);
        RequireAccount(tx, signingFor ?? key.AccountId);

        var publicKeyHex = Convert.ToHexString(key.PublicKey);
        if (tx["SigningPubKey"] is JsonNode existing && !string.Equals(existing.GetValue<string>(), publicKeyHex, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException("SigningPubKey", "does not match the signing key");
        }

        tx["SigningPubKey"] = publicKeyHex;
        tx["TxnSignature"] = Convert.ToHexString(key.Sign(XrplBinaryCodec.EncodeForSigning(tx)));
        return Finish(tx);
    }

    /// <summary>
    /// Signs as one member of a signer list. <paramref name="signerAccount"/> is the listed account when
    /// the key is that account's regular key; by default the key's own account signs.
    /// </summary>
    public static MultisignSignature SignAsMultisigner(JsonObject transaction, IXrplSigner key, AccountId? signerAccount = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(key);
        var tx = PrepareCopy(transaction);
        if (tx["SigningPubKey"] is JsonNode existing && existing.GetValue<string>().Length != 0)
        {
            throw new InvalidInputException("SigningPubKey", "must be empty for a multisigned transaction");
        }

        tx["SigningPubKey"] = string.Empty;
        var account = signerAccount ?? key.AccountId;
        var signature = key.Sign(XrplBinaryCodec.EncodeForMultiSigning(tx, account));
        var signer = new JsonObject
        {
            ["Account"] = account.ToClassicAddress(),
            ["SigningPubKey"] = Convert.ToHexString(key.PublicKey),
            ["TxnSignature"] = Convert.ToHexString(signature),
        };
        tx["Signers"] = new JsonArray(new JsonObject { ["Signer"] = signer.DeepClone() });
        return new MultisignSignature(signer, Convert.ToHexString(XrplBinaryCodec.Encode(tx)));
    }

    /// <summary>
    /// Combines signers' shares of one transaction: every share must sign the same transaction, every
    /// signature must verify, no account may sign twice, and the Signers come out in AccountID order.
    /// </summary>
    public static SignedTransaction Combine(IReadOnlyList<string> multisignedBlobs)
    {
        ArgumentNullException.ThrowIfNull(multisignedBlobs);
        if (multisignedBlobs.Count == 0)
        {
            throw new InvalidInputException("tx_blob", "at least one multisigned transaction is needed");
        }

        JsonObject? unsigned = null;
        string? unsignedHex = null;
        var signers = new SortedDictionary<AccountId, JsonObject>();
        for (var i = 0; i < multisignedBlobs.Count; i++)
        {
            var field = $"tx_blob[{i}]";
            var tx = XrplBinaryCodec.Decode(ParseHex(multisignedBlobs[i], field));
            if (tx["Signers"] is not JsonArray shares || shares.Count == 0)
            {
                throw new InvalidInputException(field, "has no Signers: it is not a multisigned transaction");
            }

            tx.Remove("Signers");
            var thisHex = Convert.ToHexString(XrplBinaryCodec.Encode(tx));
            if (unsignedHex is null)
            {
                (unsigned, unsignedHex) = (tx, thisHex);
            }
            else if (!string.Equals(unsignedHex, thisHex, StringComparison.Ordinal))
            {
                throw new InvalidInputException(field, "signs a different transaction from the first one");
            }

            foreach (var share in shares)
            {
                AddVerifiedSigner(tx, share?["Signer"] as JsonObject, signers, field);
            }
        }

        var combined = unsigned!;
        combined["Signers"] = new JsonArray([.. signers.Values.Select(s => (JsonNode)new JsonObject { ["Signer"] = s })]);
        return Finish(combined);
    }

    private static void AddVerifiedSigner(JsonObject tx, JsonObject? signer, SortedDictionary<AccountId, JsonObject> signers, string field)
    {
        if (signer is null)
        {
            throw new InvalidInputException(field, "has a Signers entry without a Signer object");
        }

        var account = AccountId.ParseClassic(signer["Account"]?.GetValue<string>() ?? string.Empty, $"{field}.Signer.Account");
        var publicKey = ParseHex(signer["SigningPubKey"]?.GetValue<string>() ?? string.Empty, $"{field}.Signer.SigningPubKey");
        var signature = ParseHex(signer["TxnSignature"]?.GetValue<string>() ?? string.Empty, $"{field}.Signer.TxnSignature");
        if (!XrplSignature.Verify(XrplBinaryCodec.EncodeForMultiSigning(tx, account), signature, publicKey))
        {
            throw new InvalidInputException($"{field}.Signer.TxnSignature", $"does not verify for signer {account}");
        }

        if (!signers.TryAdd(account, (JsonObject)signer.DeepClone()))
        {
            throw new InvalidInputException($"{field}.Signer.Account", $"{account} signs more than once");
        }
    }

    private static JsonObject PrepareCopy(JsonObject transaction)
    {
        var tx = (JsonObject)transaction.DeepClone();
        if (tx.ContainsKey("TxnSignature") || tx.ContainsKey("Signers"))
        {
            throw new InvalidInputException("TxnSignature", "must be absent: the transaction is already signed");
        }

        if (tx["TransactionType"] is null)
        {
            throw new InvalidInputException("TransactionType", "is required");
        }

        return tx;
    }

    private static void RequireAccount(JsonObject tx, AccountId signer)
    {
        var text = tx["Account"]?.GetValue<string>() ?? throw new InvalidInputException("Account", "is required");
        var account = AccountId.Parse(text, "Account", out _);
        if (account != signer)
        {
            throw new InvalidInputException(
                "Account",
                $"is {account}, but the key signs for {signer}; when the key is that account's regular key, name the account it signs for (signing_for)");
        }
    }

    private static SignedTransaction Finish(JsonObject tx)
    {
        var blob = XrplBinaryCodec.Encode(tx);
        var decoded = XrplBinaryCodec.Decode(blob);
        return new SignedTransaction(Convert.ToHexString(blob), TransactionHash.Compute(blob), decoded);
    }

    private static byte[] ParseHex(string text, string field)
    {
        if (text.Length % 2 != 0 || !text.All(Uri.IsHexDigit))
        {
            throw new InvalidInputException(field, "must be an even number of hexadecimal digits");
        }

        return Convert.FromHexString(text);
    }
}
