// Transfers: the folder store, a transport written in C#, errors, passwords.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class TransferTests
    {
        private readonly SendOptions send = new SendOptions(argon2: FastArgon2, pieceSize: 64 * 1024);

        private static TransferRequest Request(string password, List<FileSource> files, ulong expiresIn = 604800, bool allowWeak = false)
        {
            return new TransferRequest(
                sender: "ann@example.org",
                recipients: new List<string> { "bob@example.org", "carol@example.org" },
                files: files,
                password: password,
                subject: "Offerte",
                message: "Bob, hierbij de offerte.",
                expiresInSeconds: expiresIn,
                allowWeakPassword: allowWeak);
        }

        [Test]
        public void DirectoryStoreLinkReceiveDownload()
        {
            using (var dir = new TempDir())
            {
                byte[] report = RandomBytes(300000);
                File.WriteAllBytes(dir.File("report.pdf"), report);
                string password = KluisMethods.GeneratePassword();
                using (var store = new DirectoryTransport(dir.File("store")))
                {
                    var files = new List<FileSource>
                    {
                        new FileSource.Path(path: dir.File("report.pdf"), name: null, mediaType: null),
                        new FileSource.Bytes(name: "notes.txt", data: Utf8("remember the milk"), mediaType: "text/plain"),
                    };
                    SentTransfer sent = KluisMethods.SendTransfer(store, Request(password, files), send);
                    Assert.Equal(26, sent.TransferId.Length);
                    Assert.Equal(7UL * 86400UL, sent.ExpiresAt - sent.CreatedAt);
                    string link = store.Link(sent.TransferId);
                    Assert.True(link.StartsWith("file://") && !link.Contains(password), link);

                    TransferLink parsed = KluisMethods.ParseLink(link);
                    Assert.Equal(sent.TransferId, parsed.TransferId);
                    Assert.Null(parsed.ServerBase);
                    using (var theirs = new DirectoryTransport(parsed.StorePath))
                    using (ReceivedTransfer received = KluisMethods.OpenTransfer(theirs, parsed.TransferId, password))
                    {
                        TransferInfo info = received.Info();
                        Assert.Equal("ann@example.org", info.Sender);
                        Assert.Sequence(new[] { "bob@example.org", "carol@example.org" }, info.Recipients);
                        Assert.Equal("Bob, hierbij de offerte.", info.Message);
                        Assert.Sequence(new[] { "report.pdf", "notes.txt" }, info.Files.Select(f => f.Name));
                        Assert.Equal(Sha256(report), info.Files[0].Sha256);
                        Assert.Bytes(Utf8("remember the milk"), received.ReadFile(1));
                        string downloads = dir.File("downloads");
                        Directory.CreateDirectory(downloads);
                        List<string> paths = received.DownloadAll(downloads);
                        Assert.Sequence(new[] { "report.pdf", "notes.txt" }, paths.Select(Path.GetFileName));
                        Assert.Bytes(report, File.ReadAllBytes(Path.Combine(downloads, "report.pdf")));
                        Assert.Throws<KluisException.AlreadyExists>(() => received.DownloadFile(0, downloads));
                        received.DownloadFile(0, downloads, overwrite: true);
                        string other = received.DownloadFileTo(1, dir.File("elsewhere.txt"));
                        Assert.Equal("remember the milk", File.ReadAllText(other));
                    }
                }
            }
        }

        [Test]
        public void ACSharpTransportCarriesAWholeTransfer()
        {
            using (var dir = new TempDir())
            {
                var transport = new MapTransport();
                string password = KluisMethods.GeneratePassword();
                byte[] data = RandomBytes(200000);
                var files = new List<FileSource>
                {
                    new FileSource.Bytes(name: "a.bin", data: data, mediaType: null),
                    new FileSource.Bytes(name: "a.bin", data: Utf8("second file, same name"), mediaType: null),
                };
                SentTransfer sent = KluisMethods.SendTransfer(transport, Request(password, files), send);
                Assert.True(transport.CallCount("PutRange") >= 4, "PutRange calls: " + transport.CallCount("PutRange"));
                Assert.Equal(3, transport.CallCount("FinishBlob"));
                Assert.Equal(sent.ExpiresAt, transport.Expires[sent.TransferId]);
                Assert.Equal(sent.StoredBytes, (ulong)transport.Complete.Where(e => e.Key.StartsWith(sent.TransferId + "/")).Sum(e => e.Value.Length));
                // Announced once, before the upload: every blob with its sealed size.
                Assert.Equal(1, transport.Plans.Count);
                Assert.Equal(sent.TransferId, transport.Plans[0].TransferId);
                Assert.Equal("manifest", transport.Plans[0].Blobs.Last().Name);
                Assert.Equal(sent.StoredBytes, transport.Plans[0].Blobs.Aggregate(0UL, (sum, b) => sum + b.Size));

                using (ReceivedTransfer received = KluisMethods.OpenTransfer(transport, sent.TransferId, password, new ReceiveOptions(pieceSize: 4096)))
                {
                    Assert.Sequence(new[] { "a.bin", "a (2).bin" }, received.Info().Files.Select(f => f.SaveName));
                    Assert.Bytes(data, received.ReadFile(0));
                    Assert.True(transport.CallCount("ReadRange") > 200000 / 4096);
                    received.DownloadAll(dir.Path);
                    Assert.Equal("second file, same name", File.ReadAllText(dir.File("a (2).bin")));
                }
                Assert.Sequence(new string[0], KluisMethods.PurgeExpired(transport, now: sent.ExpiresAt - 1));
                Assert.Sequence(new[] { sent.TransferId }, KluisMethods.PurgeExpired(transport, now: sent.ExpiresAt));
                Assert.Throws<KluisException.NotFound>(() => KluisMethods.OpenTransfer(transport, sent.TransferId, password));
            }
            // Rust has let go of every handle it was given to the C# transport.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Equal(0, UniffiConverterTypeTransport.HandleMap.Count);
        }

        [Test]
        public void TransferErrorKinds()
        {
            var transport = new MapTransport();
            string password = KluisMethods.GeneratePassword();
            var files = new List<FileSource> { new FileSource.Bytes(name: "x.txt", data: Enumerable.Repeat((byte)'x', 1000).ToArray(), mediaType: null) };
            SentTransfer sent = KluisMethods.SendTransfer(transport, Request(password, files, expiresIn: 3600), send);
            string tid = sent.TransferId;
            Assert.ThrowsExactly<KluisException.WrongSecret>(() => KluisMethods.OpenTransfer(transport, tid, "not-the-password"));
            Assert.ThrowsExactly<KluisException.NotFound>(() => KluisMethods.OpenTransfer(transport, new string('a', 26), password));
            var expired = Assert.ThrowsExactly<KluisException.Expired>(() => KluisMethods.OpenTransfer(transport, tid, password, new ReceiveOptions(now: sent.ExpiresAt)));
            Assert.Contains("expired", expired.Message);
            Assert.ThrowsExactly<KluisException.InvalidArgument>(() => KluisMethods.OpenTransfer(transport, "not an id", password));

            using (ReceivedTransfer received = KluisMethods.OpenTransfer(transport, tid, password))
            {
                string blobKey = transport.Complete.Keys.Single(k => k.StartsWith(tid + "/") && !k.EndsWith("/manifest"));
                byte[] damaged = (byte[])transport.Complete[blobKey].Clone();
                damaged[damaged.Length - 1] ^= 1;
                transport.Complete[blobKey] = damaged;
                Assert.ThrowsExactly<KluisException.Tampered>(() => received.ReadFile(0));
                transport.Complete.Remove(blobKey);
                Assert.ThrowsExactly<KluisException.NotFound>(() => received.ReadFile(0));
                Assert.ThrowsExactly<KluisException.InvalidArgument>(() => received.ReadFile(5));
            }
        }

        [Test]
        public void WeakPasswordsAreRefusedUnlessAllowed()
        {
            var transport = new MapTransport();
            var files = new List<FileSource> { new FileSource.Bytes(name: "x.txt", data: new byte[] { 1 }, mediaType: null) };
            Assert.ThrowsExactly<KluisException.WeakPassword>(() => KluisMethods.SendTransfer(transport, Request("password123", files), send));
            SentTransfer sent = KluisMethods.SendTransfer(transport, Request("password123", files, allowWeak: true), send);
            using (ReceivedTransfer received = KluisMethods.OpenTransfer(transport, sent.TransferId, "password123"))
            {
                Assert.Bytes(new byte[] { 1 }, received.ReadFile(0));
            }
        }

        private sealed class FailingTransport : MapTransport
        {
            private readonly Exception error;

            public FailingTransport(Exception error)
            {
                this.error = error;
            }

            public override void PutRange(string transferId, string blob, ulong offset, byte[] data)
            {
                throw error;
            }
        }

        [Test]
        public void ExceptionsThrownByACSharpTransport()
        {
            var files = new List<FileSource> { new FileSource.Bytes(name: "x.txt", data: new byte[] { 1 }, mediaType: null) };
            var e = Assert.ThrowsExactly<KluisException.Transport>(() =>
                KluisMethods.SendTransfer(new FailingTransport(new TransportException.Io("disk full")), Request(KluisMethods.GeneratePassword(), files), send));
            Assert.Contains("disk full", e.Message);
            var b = Assert.ThrowsExactly<KluisException.Transport>(() =>
                KluisMethods.SendTransfer(new FailingTransport(new InvalidOperationException("a bug in the transport")), Request(KluisMethods.GeneratePassword(), files), send));
            Assert.Contains("a bug in the transport", b.Message);
            Assert.Contains("InvalidOperationException", b.Message);
            var n = Assert.ThrowsExactly<KluisException.Transport>(() =>
                KluisMethods.SendTransfer(new FailingTransport(new TransportException.NotFound("gone")), Request(KluisMethods.GeneratePassword(), files), send));
            Assert.Contains("not found: gone", n.Message);
        }

        [Test]
        public void GeneratedAndRatedPasswords()
        {
            string pw = KluisMethods.GeneratePassword();
            Assert.Equal(6, pw.Split('-').Length);
            Assert.True(pw.Split('-').All(p => p.Length == 4), pw);
            Assert.Equal(10, KluisMethods.GeneratePassword(PasswordStyle.Words).Split('-').Length);
            Assert.True(KluisMethods.RatePassword(pw).Acceptable);
            PasswordRating weak = KluisMethods.RatePassword("password123");
            Assert.False(weak.Acceptable);
            Assert.True(weak.Score < 3);
            Assert.True(weak.Reason.Length > 0);
            Assert.True(KluisMethods.RatePassword("bakkerijjansen", new List<string> { "p.jansen@bakkerij.nl" }).GuessesLog10
                < KluisMethods.RatePassword("bakkerijjansen").GuessesLog10);
            PasswordRating strong = KluisMethods.RatePassword("Tulpen fietsen 7 keer langs de Amstel");
            Assert.True(strong.Acceptable);
            Assert.Null(strong.Reason);
            Assert.Equal(37UL, strong.Chars);
        }

        [Test]
        public void TransfersFromSeveralThreads()
        {
            using (var dir = new TempDir())
            using (var store = new DirectoryTransport(dir.File("store")))
            {
                string password = KluisMethods.GeneratePassword();
                var files = Enumerable.Range(0, 4).Select(i => (FileSource)new FileSource.Bytes(name: "f" + i + ".bin", data: RandomBytes(50000), mediaType: null)).ToList();
                SentTransfer sent = KluisMethods.SendTransfer(store, Request(password, files), send);
                using (ReceivedTransfer received = KluisMethods.OpenTransfer(store, sent.TransferId, password))
                {
                    var results = new byte[4][];
                    Parallel.For(0, 4, i => results[i] = received.ReadFile((uint)i));
                    Assert.Sequence(received.Info().Files.Select(f => f.Sha256), results.Select(Sha256));
                }
                // Several transfers at once through one C# transport.
                var transport = new MapTransport();
                var sends = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
                    KluisMethods.SendTransfer(transport, Request(password, files.Take(1).ToList()), send))).ToArray();
                Task.WaitAll(sends);
                Assert.Equal(4, sends.Select(t => t.Result.TransferId).Distinct().Count());
            }
        }
    }
}
