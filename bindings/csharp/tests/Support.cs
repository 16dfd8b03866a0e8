// Shared helpers of the Kluis C# tests.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Kluis.Testing;

namespace Kluis.Tests
{
    public static class Support
    {
        private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();

        /// <summary>Cheap Argon2 for password tests (never for real passwords).</summary>
        public static Argon2Params FastArgon2
        {
            get { return new Argon2Params(mKib: 1024, t: 1, p: 1); }
        }

        public static SealOptions Fast
        {
            get { return new SealOptions(argon2: FastArgon2); }
        }

        /// <summary>The repository root: $KLUIS_REPO, else found from the working directory.</summary>
        public static string Repo
        {
            get
            {
                string env = Environment.GetEnvironmentVariable("KLUIS_REPO");
                if (!string.IsNullOrEmpty(env))
                {
                    return env;
                }
                string dir = Directory.GetCurrentDirectory();
                while (dir != null && !File.Exists(Path.Combine(dir, "Cargo.toml")))
                {
                    dir = Path.GetDirectoryName(dir);
                }
                if (dir == null)
                {
                    throw new InvalidOperationException("the repository was not found: set KLUIS_REPO");
                }
                return dir;
            }
        }

        public static byte[] RandomBytes(int n)
        {
            var bytes = new byte[n];
            Rng.GetBytes(bytes);
            return bytes;
        }

        public static Secret.Key NewKey()
        {
            return new Secret.Key(RandomBytes(32));
        }

        public static List<Secret> Secrets(params Secret[] secrets)
        {
            return secrets.ToList();
        }

        public static byte[] Utf8(string text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        public static string Hex(byte[] bytes)
        {
            return string.Concat(bytes.Select(b => b.ToString("x2")));
        }

        public static byte[] FromHex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            }
            return bytes;
        }

        public static List<byte[]> Pieces(byte[] data, int size)
        {
            var pieces = new List<byte[]>();
            for (int i = 0; i < data.Length; i += size)
            {
                pieces.Add(Slice(data, i, Math.Min(i + size, data.Length)));
            }
            return pieces;
        }

        public static byte[] Slice(byte[] data, int from, int to)
        {
            var piece = new byte[to - from];
            Buffer.BlockCopy(data, from, piece, 0, piece.Length);
            return piece;
        }

        public static byte[] Concat(IEnumerable<byte[]> parts)
        {
            var output = new MemoryStream();
            foreach (byte[] part in parts)
            {
                output.Write(part, 0, part.Length);
            }
            return output.ToArray();
        }

        public static string Sha256(byte[] data)
        {
            using (var sha = SHA256.Create())
            {
                return Hex(sha.ComputeHash(data));
            }
        }

        /// <summary>The kluis CLI: $KLUIS_CLI, else target/release/kluis, else target/debug/kluis.</summary>
        public static string Cli()
        {
            string env = Environment.GetEnvironmentVariable("KLUIS_CLI");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }
            foreach (string profile in new[] { "release", "debug" })
            {
                string path = Path.Combine(Repo, "target", profile, "kluis");
                if (File.Exists(path))
                {
                    return path;
                }
            }
            throw new InvalidOperationException("the kluis CLI was not found: run `cargo build -p kluis-cli` or set KLUIS_CLI");
        }

        /// <summary>Runs the CLI; returns its exit code, failing the test with its output if <paramref name="check"/> and non-zero.</summary>
        public static int RunCli(bool check, params string[] args)
        {
            var info = new ProcessStartInfo(Cli(), "--quiet " + string.Join(" ", args.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (Process process = Process.Start(info))
            {
                string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (check && process.ExitCode != 0)
                {
                    throw new AssertionException("kluis " + string.Join(" ", args) + " failed (" + process.ExitCode + "): " + output);
                }
                return process.ExitCode;
            }
        }

        private static string Quote(string arg)
        {
            return "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }
    }
}
