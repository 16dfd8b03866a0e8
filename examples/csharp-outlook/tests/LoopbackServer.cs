// A real kluis-server on loopback for the tests, as bindings/js/test/server.js
// runs it: port 0, SQLite and a blob folder in a temporary folder, mails
// written as .eml files into a folder, where the one-time codes are read.
// One server for the whole run (started at first use, stopped at exit), and
// one sender token obtained by the code flow through the binding.

using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace Kluis.Outlook.Tests
{
    public sealed class LoopbackServer
    {
        public const string Ann = "ann@example.org";

        private static readonly Lazy<LoopbackServer> SharedServer = new Lazy<LoopbackServer>(Start);
        private static readonly Lazy<string> SharedToken = new Lazy<string>(() => Shared.Verify(Ann));
        private static readonly Regex Listening = new Regex(@"listening on (http://127\.0\.0\.1:\d+)");

        private readonly Process process;
        private readonly StringBuilder output = new StringBuilder();
        private readonly string dir;

        private LoopbackServer(string bin)
        {
            dir = Path.Combine(Path.GetTempPath(), "kluis-cs-outlook-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            Mails = Path.Combine(dir, "mails");
            string config = string.Join("\n",
                "listen = \"127.0.0.1:0\"",
                "[database]",
                "url = \"sqlite://" + Path.Combine(dir, "kluis.db") + "\"",
                "[storage]",
                "kind = \"fs\"",
                "path = \"" + Path.Combine(dir, "blobs") + "\"",
                "[maildir]",
                "path = \"" + Mails + "\"",
                "from = \"kluis@example.org\"",
                "");
            File.WriteAllText(Path.Combine(dir, "server.toml"), config);
            var info = new ProcessStartInfo(bin, "--config \"" + Path.Combine(dir, "server.toml") + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = dir,
            };
            foreach (string key in info.EnvironmentVariables.Keys.Cast<string>().Where(k => k.StartsWith("KLUIS_SERVER_")).ToList())
            {
                info.EnvironmentVariables.Remove(key);
            }
            process = new Process { StartInfo = info };
            DataReceivedEventHandler seen = (sender, e) =>
            {
                if (e.Data != null)
                {
                    lock (output)
                    {
                        output.AppendLine(e.Data);
                    }
                }
            };
            process.OutputDataReceived += seen;
            process.ErrorDataReceived += seen;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Url == null)
            {
                lock (output)
                {
                    Match m = Listening.Match(output.ToString());
                    if (m.Success)
                    {
                        Url = m.Groups[1].Value;
                    }
                }
                if (Url == null)
                {
                    if (process.HasExited || DateTime.UtcNow > deadline)
                    {
                        Stop();
                        throw new InvalidOperationException("kluis-server did not start:\n" + Output);
                    }
                    Thread.Sleep(20);
                }
            }
        }

        /// <summary>The server of this run.</summary>
        public static LoopbackServer Shared
        {
            get { return SharedServer.Value; }
        }

        /// <summary>Ann's sender token on <see cref="Shared"/>.</summary>
        public static string AnnToken
        {
            get { return SharedToken.Value; }
        }

        public string Url { get; private set; }

        public string Mails { get; private set; }

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        /// <summary>The code flow through the binding: asks for a code, reads it from the mail, confirms it.</summary>
        public string Verify(string address)
        {
            KluisMethods.RequestCode(Url, address);
            string code = ReadCode(address);
            return KluisMethods.ConfirmCode(Url, address, code).Token;
        }

        private string ReadCode(string address)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            for (;;)
            {
                string[] mails = Directory.Exists(Mails) ? Directory.GetFiles(Mails, "*.eml") : new string[0];
                foreach (string path in mails.OrderByDescending(File.GetLastWriteTimeUtc))
                {
                    string text = File.ReadAllText(path);
                    Match to = Regex.Match(text, @"^To: (.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase);
                    if (!to.Success || to.Groups[1].Value.IndexOf(address, StringComparison.OrdinalIgnoreCase) < 0)
                    {
                        continue;
                    }
                    string body = Regex.Split(text, @"\r?\n\r?\n", RegexOptions.None).Skip(1).Aggregate("", (a, b) => a + "\n\n" + b);
                    var codes = Regex.Matches(body, @"(?<!\d)\d{8}(?!\d)").Cast<Match>().Select(m => m.Value).Distinct().ToList();
                    if (codes.Count != 1)
                    {
                        throw new InvalidOperationException("expected one code in the mail to " + address + ", found " + string.Join(",", codes));
                    }
                    return codes[0];
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("no verification mail to " + address);
                }
                Thread.Sleep(50);
            }
        }

        private static LoopbackServer Start()
        {
            string bin = Environment.GetEnvironmentVariable("KLUIS_SERVER_BIN");
            if (string.IsNullOrEmpty(bin) || !File.Exists(bin))
            {
                throw new InvalidOperationException("set KLUIS_SERVER_BIN to the kluis-server binary (run-tests.sh does)");
            }
            var server = new LoopbackServer(bin);
            AppDomain.CurrentDomain.ProcessExit += (sender, e) => server.Stop();
            return server;
        }

        private void Stop()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(10000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
