// Whole-transaction signing (encode + sign + hash) with xrpl.js, one core, for comparison with
// bench/HsmWallet.Bench's TransactionSigningBenchmarks on the same machine.
import { Wallet, encode, decode } from "xrpl";

const tx = {
  TransactionType: "Payment",
  Account: "",
  Destination: "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
  Amount: "1000000",
  Fee: "12",
  Sequence: 42,
  LastLedgerSequence: 1000000,
  DestinationTag: 7,
};

function measure(label, fn, seconds = 3) {
  for (let i = 0; i < 200; i++) fn(i);
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const start = performance.now();
  while (performance.now() < end) { fn(count); count++; }
  const elapsed = (performance.now() - start) / 1000;
  console.log(`${label}: ${(count / elapsed).toFixed(0)} ops/s (${((elapsed / count) * 1e6).toFixed(1)} us/op)`);
}

for (const [name, seed] of [["secp256k1", "sp5fghtJtpUorTwvof1NpDXAzNwf5"], ["ed25519", "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r"]]) {
  const wallet = Wallet.fromSeed(seed);
  const txForWallet = { ...tx, Account: wallet.classicAddress };
  measure(`xrpl.js sign ${name}`, (i) => wallet.sign({ ...txForWallet, Sequence: 42 + i }));
}
const blob = Wallet.fromSeed("sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r").sign({ ...tx, Account: "rLUEXYuLiQptky37CqLcm9USQpPiz5rkpD" }).tx_blob;
const json = decode(blob);
measure("xrpl.js encode", () => encode(json));
measure("xrpl.js decode", () => decode(blob));
