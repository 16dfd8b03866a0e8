// Envelopes made by the kluis CLI open in C#, and the other way round.

using System.IO;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class CliInteropTests
    {
        private static Secret KeyFile(TempDir dir)
        {
            byte[] raw = RandomBytes(32);
            File.WriteAllText(dir.File("key.hex"), Hex(raw) + "\n");
            return new Secret.Key(raw);
        }

        [Test]
        public void CliSealsCSharpOpens()
        {
            using (var dir = new TempDir())
            {
                Secret secret = KeyFile(dir);
                byte[] source = RandomBytes(200000);
                File.WriteAllBytes(dir.File("offerte.pdf"), source);
                RunCli(true, "seal", dir.File("offerte.pdf"), "-o", dir.File("offerte.pdf.kluis"), "--key-file", dir.File("key.hex"));
                Metadata metadata = KluisMethods.OpenFile(dir.File("offerte.pdf.kluis"), dir.File("back.pdf"), secret);
                Assert.Bytes(source, File.ReadAllBytes(dir.File("back.pdf")));
                Assert.Equal("offerte.pdf", metadata.Name);
                Assert.Equal((ulong?)200000, metadata.Size);
                using (var opening = new OpeningStream(new TrickleStream(File.ReadAllBytes(dir.File("offerte.pdf.kluis")), 999), secret) { BufferSize = 999 })
                {
                    var output = new MemoryStream();
                    opening.CopyTo(output);
                    Assert.Bytes(source, output.ToArray());
                }
            }
        }

        [Test]
        public void CSharpSealsCliOpens()
        {
            using (var dir = new TempDir())
            {
                Secret secret = KeyFile(dir);
                byte[] source = RandomBytes(150000);
                File.WriteAllBytes(dir.File("notes.txt"), source);
                KluisMethods.SealFile(dir.File("notes.txt"), dir.File("notes.txt.kluis"), Secrets(secret),
                    new SealOptions(metadata: new Metadata(name: "notes.txt", size: 150000)));
                RunCli(true, "open", dir.File("notes.txt.kluis"), "-o", dir.File("back.txt"), "--key-file", dir.File("key.hex"));
                Assert.Bytes(source, File.ReadAllBytes(dir.File("back.txt")));
            }
        }

        [Test]
        public void PasswordEnvelopesBothWays()
        {
            using (var dir = new TempDir())
            {
                const string password = "zeven woorden voor de kluis";
                File.WriteAllText(dir.File("pw.txt"), password + "\n");
                var secret = new Secret.Password(password);
                byte[] data = RandomBytes(10000);
                using (var sealing = new SealingStream(File.Create(dir.File("a.kluis")), Secrets(secret),
                    new SealOptions(argon2: new Argon2Params(mKib: 8192, t: 1, p: 1))))
                {
                    sealing.Write(data, 0, 5000);
                    sealing.Write(data, 5000, 5000);
                }
                RunCli(true, "open", dir.File("a.kluis"), "-o", dir.File("a.out"), "--password-file", dir.File("pw.txt"));
                Assert.Bytes(data, File.ReadAllBytes(dir.File("a.out")));

                File.WriteAllBytes(dir.File("b.bin"), data);
                RunCli(true, "seal", dir.File("b.bin"), "-o", dir.File("b.kluis"), "--password-file", dir.File("pw.txt"), "--argon2", "m=8192,t=1,p=1");
                Assert.Bytes(data, KluisMethods.OpenBytes(File.ReadAllBytes(dir.File("b.kluis")), secret).Plaintext);
            }
        }

        [Test]
        public void CliRefusesWhatCSharpRefuses()
        {
            using (var dir = new TempDir())
            {
                Secret secret = KeyFile(dir);
                byte[] envelope = KluisMethods.SealBytes(Utf8("abc"), Secrets(secret));
                envelope[envelope.Length - 3] ^= 1;
                File.WriteAllBytes(dir.File("bad.kluis"), envelope);
                Assert.NotEqual(0, RunCli(false, "open", dir.File("bad.kluis"), "-o", dir.File("out"), "--key-file", dir.File("key.hex")));
                Assert.False(File.Exists(dir.File("out")));
                Assert.Throws<KluisException.Tampered>(() => KluisMethods.OpenBytes(envelope, secret));
            }
        }
    }
}
