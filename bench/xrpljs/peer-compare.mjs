// HsmWallet against the TypeScript peer (xrpl-wallet-mcp 0.2.0), both driven by the official MCP TypeScript SDK
// client, interleaved in one run. bench/peer-compare.sh prepares everything and passes it in the environment;
// run that script, not this file. Prints a table of medians and ratios (HsmWallet / peer).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { encode } from "xrpl";

const env = (name) => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set: run bench/peer-compare.sh`);
  return value;
};
const starts = Number(process.env.PEER_COMPARE_STARTS ?? "9");
const signatures = Number(process.env.PEER_COMPARE_SIGNATURES ?? "50");
const seed = env("COMPARE_SEED");
const mcp = env("HSMWALLET_MCP");
const rate = ["--rate-strict", "600/min,burst=100", "--rate-standard", "600/min,burst=100"];
const hsmwallet = {
  password: { command: mcp, args: ["--home", env("HW_PASSWORD_HOME"), "--network", "testnet", "--password-file", env("HW_PASSWORD_FILE"), ...rate] },
  keyfile: { command: mcp, args: ["--home", env("HW_KEYFILE_HOME"), "--network", "testnet", ...rate] },
  pkcs11: { command: mcp, args: ["--home", env("HW_PKCS11_HOME"), "--network", "testnet", "--pin-file", env("HW_PIN_FILE"), ...rate], env: { SOFTHSM2_CONF: env("SOFTHSM2_CONF") } },
};
const peer = {
  command: "node",
  args: [env("PEER_CLI")],
  env: {
    XRPL_NETWORK: "testnet",
    // A closed loopback port: the measured tools never need the ledger (auto_sequence off), and nothing reaches a public one.
    XRPL_TESTNET_WEBSOCKET_URL: `ws://localhost:${env("CLOSED_PORT")}`,
    XRPL_WALLET_PASSWORD: readFileSync(env("HW_PASSWORD_FILE"), "utf8"),
    XRPL_WALLET_KEYSTORE_PATH: env("PEER_KEYSTORE"),
    LOG_LEVEL: "error",
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))[1]) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

async function start(spec) {
  const transport = new StdioClientTransport({ command: spec.command, args: spec.args, env: { ...process.env, ...(spec.env ?? {}) }, stderr: "ignore" });
  const client = new Client({ name: "hsmwallet-peer-compare", version: "1" });
  const clock = performance.now();
  await client.connect(transport);
  await client.listTools();
  const elapsed = performance.now() - clock;
  return { client, transport, elapsed, pid: transport.pid };
}

async function stop(server) {
  const pid = server.pid;
  await server.client.close().catch(() => {});
  // The peer does not exit when stdin closes.
  try { process.kill(pid, "SIGTERM"); } catch { /* already gone */ }
}

async function call(server, name, args) {
  const clock = performance.now();
  const result = await server.client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
  const elapsed = performance.now() - clock;
  const text = (result.content ?? []).map((block) => block.text ?? "").join("");
  if (result.isError) throw new Error(`${name} failed: ${text.slice(0, 400)}`);
  return { elapsed, text };
}

const rows = [];
function row(label, ours, theirs, unit, { faster = false, digits = 1 } = {}) {
  const ratio = theirs === undefined ? "" : faster ? `${(theirs / ours).toFixed(1)}x faster` : `${(ours / theirs).toFixed(2)}x`;
  const show = (value) => (value === undefined ? "" : typeof value === "string" ? value : `${value.toFixed(digits)} ${unit}`);
  rows.push(`| ${label} | ${show(ours)} | ${show(theirs)} | ${ratio} |`);
}

// 1. Spawn to first tools/list, and resident memory 2 s later, interleaved start by start.
const startTimes = { password: [], keyfile: [], peer: [] };
const idle = { password: [], keyfile: [], peer: [] };
for (let run = 0; run < starts; run++) {
  for (const [name, spec] of [["password", hsmwallet.password], ["keyfile", hsmwallet.keyfile], ["peer", peer]]) {
    const server = await start(spec);
    startTimes[name].push(server.elapsed);
    await sleep(2000);
    idle[name].push(memory(server.pid).rss);
    await stop(server);
  }
  process.stderr.write(`start run ${run + 1}/${starts}\n`);
}

// 2. Signing with the password slot at the peer's Argon2id (64 MiB, t=3, p=4), call by call, both servers up.
const ours = await start(hsmwallet.password);
const theirs = await start(peer);
const imported = await call(theirs, "wallet_import", { seed, network: "testnet", wallet_name: "bench" });
const address = JSON.parse(imported.text).address ?? JSON.parse(imported.text).wallet_address;
const passwordSign = { ours: [], theirs: [] };
const memoryAt = {};
for (let i = 1; i <= signatures; i++) {
  const tx = { TransactionType: "Payment", Destination: "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", Amount: "1000", Fee: "12", Sequence: i };
  passwordSign.ours.push((await call(ours, "tx_sign", { wallet: "bench", autofill: false, tx })).elapsed);
  const unsigned = encode({ ...tx, Account: address, SigningPubKey: "" });
  const signed = await call(theirs, "wallet_sign", { wallet_address: address, unsigned_tx: unsigned, auto_sequence: false });
  if (!signed.text.includes('"signed_tx"')) throw new Error(`peer did not sign: ${signed.text.slice(0, 400)}`);
  passwordSign.theirs.push(signed.elapsed);
  if (i === 20 || i === signatures) memoryAt[i] = { ours: memory(ours.pid), theirs: memory(theirs.pid) };
  if (i % 10 === 0) process.stderr.write(`password signatures ${i}/${signatures}\n`);
}
await stop(ours);
await stop(theirs);

// 3. Key file and PKCS#11 (SoftHSM2) tx_sign without autofill, and the raw token round trip in the same run.
async function signRun(spec) {
  const server = await start(spec);
  const samples = [];
  for (let i = 1; i <= signatures + 5; i++) {
    const tx = { TransactionType: "Payment", Destination: "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", Amount: "1000", Fee: "12", Sequence: i };
    const { elapsed } = await call(server, "tx_sign", { wallet: "bench", autofill: false, tx });
    if (i > 5) samples.push(elapsed);
  }
  await stop(server);
  return samples;
}
const keyfileSign = await signRun(hsmwallet.keyfile);
const pkcs11Sign = [];
const tokenRoundTrip = [];
for (let round = 0; round < 3; round++) {
  pkcs11Sign.push(...(await signRun(hsmwallet.pkcs11)));
  const raw = spawnSync("dotnet", [env("HW_BENCH_DLL"), "token-roundtrip", "/usr/lib/softhsm/libsofthsm2.so", "bench", "vault-aes", env("HW_PIN_FILE"), String(signatures)], { encoding: "utf8", env: { ...process.env, SOFTHSM2_CONF: env("SOFTHSM2_CONF") } });
  if (raw.status !== 0) throw new Error(`token-roundtrip failed: ${raw.stderr}`);
  tokenRoundTrip.push(Number(raw.stdout.match(/token-roundtrip ([\d.]+)/)[1]));
}
process.stderr.write("PKCS#11 done\n");

// 4. The Argon2id alone at the same parameters, wall and CPU: HsmWallet's libargon2 binding against the peer's own
// node argon2 (the same reference C code; Debian builds its portable variant, the node package its SSE2 one).
const peerArgon2 = createRequire(env("PEER_CLI"))("argon2");
const kdf = { oursWall: [], oursCpu: [], theirsWall: [], theirsCpu: [] };
for (let round = 0; round < 3; round++) {
  const dotnet = spawnSync("dotnet", [env("HW_BENCH_DLL"), "kdf", "3"], { encoding: "utf8" });
  if (dotnet.status !== 0) throw new Error(`kdf failed: ${dotnet.stderr}`);
  const [, wall, cpu] = dotnet.stdout.match(/kdf ([\d.]+) ([\d.]+)/);
  kdf.oursWall.push(Number(wall));
  kdf.oursCpu.push(Number(cpu));
  const options = { type: peerArgon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4, hashLength: 32, salt: Buffer.alloc(32, round), raw: true };
  await peerArgon2.hash("bench password", options);
  const walls = [];
  const cpus = [];
  for (let i = 0; i < 3; i++) {
    const cpuBefore = process.cpuUsage();
    const clock = performance.now();
    await peerArgon2.hash("bench password", options);
    walls.push(performance.now() - clock);
    const used = process.cpuUsage(cpuBefore);
    cpus.push((used.user + used.system) / 1000);
  }
  kdf.theirsWall.push(median(walls));
  kdf.theirsCpu.push(median(cpus));
}
process.stderr.write("Argon2id done\n");

// 5. Whole-transaction signing in process: HsmWallet (bench/HsmWallet.Bench sign-loop) against xrpl.js, three rounds.
const inProcess = { secp256k1: [], "secp256k1-managed": [], ed25519: [], xrpljsSecp: [], xrpljsEd: [] };
for (let round = 0; round < 3; round++) {
  const dotnet = spawnSync("dotnet", [env("HW_BENCH_DLL"), "sign-loop", "3"], { encoding: "utf8" });
  if (dotnet.status !== 0) throw new Error(`sign-loop failed: ${dotnet.stderr}`);
  for (const line of dotnet.stdout.trim().split("\n")) {
    const [name, us] = line.split(" ");
    inProcess[name].push(Number(us));
  }
  const node = spawnSync("node", [env("XRPLJS_SIGN_BENCH")], { encoding: "utf8" });
  if (node.status !== 0) throw new Error(`sign-bench.mjs failed: ${node.stderr}`);
  inProcess.xrpljsSecp.push(Number(node.stdout.match(/sign secp256k1: \d+ ops\/s \(([\d.]+) us\/op\)/)[1]));
  inProcess.xrpljsEd.push(Number(node.stdout.match(/sign ed25519: \d+ ops\/s \(([\d.]+) us\/op\)/)[1]));
  process.stderr.write(`in-process signing round ${round + 1}/3\n`);
}

row("spawn to first `tools/list`, password slot", median(startTimes.password), median(startTimes.peer), "ms", { digits: 0 });
row("spawn to first `tools/list`, key-file slot", median(startTimes.keyfile), median(startTimes.peer), "ms", { digits: 0 });
row("resident memory idle (password slot)", median(idle.password), median(idle.peer), "MiB");
row("resident memory idle (key-file slot)", median(idle.keyfile), median(idle.peer), "MiB");
if (memoryAt[20]) row("resident memory after 20 signatures", memoryAt[20].ours.rss, memoryAt[20].theirs.rss, "MiB");
row(`resident memory after ${signatures} signatures`, memoryAt[signatures].ours.rss, memoryAt[signatures].theirs.rss, "MiB");
row(`peak resident memory after ${signatures} signatures`, memoryAt[signatures].ours.peak, memoryAt[signatures].theirs.peak, "MiB");
row("`tx_sign` round trip, password slot at the peer's Argon2id (64 MiB, t=3, p=4)", median(passwordSign.ours), median(passwordSign.theirs), "ms");
row("Argon2id alone (64 MiB, t=3, p=4), wall: libargon2 P/Invoke vs the peer's node argon2", median(kdf.oursWall), median(kdf.theirsWall), "ms");
row("same, CPU time", median(kdf.oursCpu), median(kdf.theirsCpu), "ms");
row("`tx_sign` round trip, key file, no autofill", median(keyfileSign), median(passwordSign.theirs), "ms", { digits: 2 });
row("`tx_sign` round trip, PKCS#11 (SoftHSM2), no autofill", median(pkcs11Sign), median(passwordSign.theirs), "ms", { digits: 2 });
rows.push(`| raw token round trip (pooled session, login, decrypt, logout), same token | ${median(tokenRoundTrip).toFixed(3)} ms | | PKCS#11 \`tx_sign\` / raw: ${(median(pkcs11Sign) / median(tokenRoundTrip)).toFixed(1)}x |`);
row("whole-transaction signing in process, secp256k1 (libsecp256k1) vs xrpl.js", median(inProcess.secp256k1), median(inProcess.xrpljsSecp), "us", { faster: true });
row("same, secp256k1 on the managed fallback (NBitcoin.Secp256k1)", median(inProcess["secp256k1-managed"]), median(inProcess.xrpljsSecp), "us", { faster: true });
row("same, Ed25519 vs xrpl.js", median(inProcess.ed25519), median(inProcess.xrpljsEd), "us", { faster: true });

console.log(`HsmWallet vs xrpl-wallet-mcp 0.2.0 (node ${process.version}), ${starts} starts each, ${signatures} signatures each, medians; ${new Date().toISOString()}`);
console.log("");
console.log("| measure | HsmWallet | peer | ratio |");
console.log("|---|---|---|---|");
for (const line of rows) console.log(line);
