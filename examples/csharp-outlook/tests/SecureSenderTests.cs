// SecureSender against a real kluis-server on loopback: the body gets the
// link and not the password, the attachments go, and `kluis receive` gives
// them back byte for byte; on any failure the mail stays as it was.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Kluis.Testing;

namespace Kluis.Outlook.Tests
{
    public class SecureSenderTests
    {
        private const string Bob = "bob@example.org";
        private const string Carol = "carol@example.org";

        private static readonly byte[] Report = RandomBytes(300000);
        private static readonly byte[] Notes = Encoding.UTF8.GetBytes("Notulen van 3 maart.\r\nVertrouwelijk.\n");

        private static SecureSender Sender(string token = null, HttpOptions options = null)
        {
            return new SecureSender(LoopbackServer.Shared.Url, token ?? LoopbackServer.AnnToken, options)
            {
                // Cheap Argon2 for the tests; the header carries it, so the CLI opens it as any transfer.
                SendOptions = new SendOptions(argon2: new Argon2Params(1024, 1, 1)),
            };
        }

        private static FakeMailItem MailWithTwoAttachments(string body, bool isHtml)
        {
            var item = new FakeMailItem(LoopbackServer.Ann, body, isHtml) { Subject = "Rapport en notulen" };
            item.To.Add(Bob);
            item.Cc.Add(Carol);
            item.Cc.Add("BOB@example.org");
            item.Attach("rapport.pdf", Report);
            item.Attach("notulen.txt", Notes);
            return item;
        }

        [Test]
        public void TextMailGetsTheLinkAndTheCliReceivesBothAttachments()
        {
            var item = MailWithTwoAttachments("Hoi Bob,\r\nzie de link.\r\nAnn", false);
            SecureSendResult sent = Sender().Send(item);

            Assert.Equal(0, item.Attachments.Count, "attachments removed");
            Assert.Contains(sent.Link, item.Body);
            Assert.True(item.Body.EndsWith("\r\n\r\nHoi Bob,\r\nzie de link.\r\nAnn", StringComparison.Ordinal), "the text follows the notice: " + item.Body);
            Assert.False(item.Body.Contains(sent.Password), "the password is not in the mail");
            Assert.False(item.Body.Replace("\r\n", "").Contains("\n"), "the notice takes the body's line ends");
            Assert.True(sent.Link.StartsWith(LoopbackServer.Shared.Url + "/t/", StringComparison.Ordinal), sent.Link);
            Assert.True(sent.Link.EndsWith(sent.TransferId, StringComparison.Ordinal), sent.Link);
            string notice = KluisMethods.RecipientNotice(LoopbackServer.Ann, sent.Link, sent.ExpiresAt, Language.En).Body;
            Assert.True(item.Body.StartsWith(notice.TrimEnd('\n').Replace("\n", "\r\n"), StringComparison.Ordinal), "the notice comes first: " + item.Body);
            ulong week = 7 * 24 * 3600;
            ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.True(sent.ExpiresAt > now + week - 120 && sent.ExpiresAt <= now + week + 5, "expires in a week: " + sent.ExpiresAt);

            using (var folder = new TempDir())
            {
                Cli.Receive(sent.Link, sent.Password, folder.Path);
                Assert.Bytes(Report, File.ReadAllBytes(folder.File("rapport.pdf")), "rapport.pdf");
                Assert.Bytes(Notes, File.ReadAllBytes(folder.File("notulen.txt")), "notulen.txt");
                Assert.Equal(2, Directory.GetFiles(folder.Path).Length, "two files received");
            }
        }

        [Test]
        public void HtmlMailGetsTheNoticeAsHtmlInItsBody()
        {
            const string html = "<html><head><style>p{margin:0}</style></head><body lang=NL><p>Hoi Bob,</p><p>Ann</p></body></html>";
            var item = MailWithTwoAttachments(html, true);
            SecureSender sender = Sender();
            sender.NoticeLanguage = Language.Nl;
            sender.ExpiresInSeconds = 2 * 24 * 3600;
            SecureSendResult sent = sender.Send(item, "paard batterij nietje correct");

            Assert.Equal("paard batterij nietje correct", sent.Password);
            Assert.Equal(0, item.Attachments.Count, "attachments removed");
            Assert.Equal(1, item.BodySets);
            Assert.True(item.Body.StartsWith("<html><head><style>p{margin:0}</style></head><body lang=NL><div class=\"kluis-notice\"><p>", StringComparison.Ordinal), item.Body);
            Assert.Contains("<a href=\"" + sent.Link + "\">" + sent.Link + "</a>", item.Body);
            Assert.True(item.Body.EndsWith("<hr>\n<p>Hoi Bob,</p><p>Ann</p></body></html>", StringComparison.Ordinal), item.Body);
            Assert.False(item.Body.Contains("paard"), "the password is not in the mail");
            string dutch = KluisMethods.RecipientNotice(LoopbackServer.Ann, sent.Link, sent.ExpiresAt, Language.Nl).Body;
            string firstLine = dutch.Split('\n')[0];
            Assert.Contains(WebUtility.HtmlEncode(firstLine), item.Body);
            ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.True(sent.ExpiresAt <= now + 2 * 24 * 3600 + 5, "expires in two days: " + sent.ExpiresAt);

            using (var folder = new TempDir())
            {
                Cli.Receive(sent.Link, sent.Password, folder.Path);
                Assert.Bytes(Report, File.ReadAllBytes(folder.File("rapport.pdf")), "rapport.pdf");
                Assert.Bytes(Notes, File.ReadAllBytes(folder.File("notulen.txt")), "notulen.txt");
            }
        }

        [Test]
        public void ServerDownLeavesTheMailAsItWas()
        {
            var item = MailWithTwoAttachments("Hoi Bob", false);
            var sender = new SecureSender("http://127.0.0.1:" + ClosedPort(), "some-token",
                new HttpOptions(connectTimeoutMs: 2000, retries: 0));
            var e = Assert.Throws<KluisException>(() => sender.Send(item));
            Assert.True(e is KluisException.Transport, e.GetType() + ": " + e.Message);
            AssertUnchanged(item, "Hoi Bob");
        }

        [Test]
        public void RefusedTokenLeavesTheMailAsItWas()
        {
            var item = MailWithTwoAttachments("<p>Hoi Bob</p>", true);
            var e = Assert.Throws<KluisException>(() => Sender("not-a-token").Send(item));
            Assert.True(e is KluisException.Transport, e.GetType() + ": " + e.Message);
            AssertUnchanged(item, "<p>Hoi Bob</p>");
        }

        [Test]
        public void WeakChosenPasswordLeavesTheMailAsItWas()
        {
            var item = MailWithTwoAttachments("Hoi Bob", false);
            Assert.ThrowsExactly<KluisException.WeakPassword>(() => Sender().Send(item, "welkom01"));
            AssertUnchanged(item, "Hoi Bob");
        }

        [Test]
        public void UnreadableAttachmentLeavesTheMailAsItWas()
        {
            var item = MailWithTwoAttachments("Hoi Bob", false);
            ((FakeAttachment)item.Attachments[1]).OpenFails = new FileNotFoundException("gone from the temp folder");
            var e = Assert.ThrowsExactly<KluisException.Io>(() => Sender("token-not-used").Send(item));
            Assert.Contains("notulen.txt", e.Message);
            AssertUnchanged(item, "Hoi Bob");
        }

        [Test]
        public void MailsThatCannotGoSecurelyAreRefusedAsTheyAre()
        {
            var bare = new FakeMailItem(LoopbackServer.Ann, "Hoi", false);
            bare.To.Add(Bob);
            Assert.Contains("no attachments", Assert.ThrowsExactly<KluisException.InvalidArgument>(() => Sender("t").Send(bare)).Message);

            var nobody = new FakeMailItem(LoopbackServer.Ann, "Hoi", false);
            nobody.Cc.Add("  ");
            nobody.Attach("a.txt", Notes);
            Assert.Contains("no recipients", Assert.ThrowsExactly<KluisException.InvalidArgument>(() => Sender("t").Send(nobody)).Message);
            Assert.Equal(1, nobody.Attachments.Count);

            var big = MailWithTwoAttachments("Hoi", false);
            SecureSender small = Sender("t");
            small.MaxTotalBytes = Report.Length + Notes.Length - 1;
            Assert.Contains("exceed", Assert.ThrowsExactly<KluisException.InvalidArgument>(() => small.Send(big)).Message);
            AssertUnchanged(big, "Hoi");
        }

        private static void AssertUnchanged(FakeMailItem item, string body)
        {
            Assert.Equal(body, item.Body, "body unchanged");
            Assert.Equal(0, item.BodySets, "body never set");
            Assert.Sequence(new[] { "rapport.pdf", "notulen.txt" }, item.Attachments.Select(a => a.Name), "attachments still there");
            using (Stream s = item.Attachments[0].Open())
            using (var copy = new MemoryStream())
            {
                s.CopyTo(copy);
                Assert.Bytes(Report, copy.ToArray(), "attachment content");
            }
        }

        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static byte[] RandomBytes(int n)
        {
            var data = new byte[n];
            new Random(16).NextBytes(data);
            return data;
        }
    }

    /// <summary>The kluis CLI ($KLUIS_BIN) as a recipient.</summary>
    public static class Cli
    {
        public static void Receive(string link, string password, string folder)
        {
            string bin = Environment.GetEnvironmentVariable("KLUIS_BIN");
            if (string.IsNullOrEmpty(bin) || !File.Exists(bin))
            {
                throw new InvalidOperationException("set KLUIS_BIN to the kluis CLI (run-tests.sh does)");
            }
            var info = new ProcessStartInfo(bin, "receive \"" + link + "\" -o \"" + folder + "\" --quiet --password-env KLUIS_TEST_PASSWORD")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.EnvironmentVariables["KLUIS_TEST_PASSWORD"] = password;
            using (Process p = Process.Start(info))
            {
                var stderr = p.StandardError.ReadToEndAsync();
                string stdout = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    throw new AssertionException("kluis receive exited with " + p.ExitCode + ":\n" + stdout + stderr.Result);
                }
            }
        }
    }
}
