// Kluis in C#, first five minutes: seal and open bytes, files and streams.
// Compiled and run by bindings/csharp/run-tests.sh (ExamplesTests); on its
// own: mcs -langversion:6 Kluis.cs Streams.cs SealAndOpen.cs, then mono.

using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Kluis.Examples
{
    public static class SealAndOpen
    {
        public static void Main()
        {
            // A password (Argon2id; the default cost is 64 MiB, 3 passes) and a raw 32-byte key.
            var password = new Secret.Password("paard batterij nietje");
            var keyBytes = new byte[32];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(keyBytes);
            }
            var myKey = new Secret.Key(keyBytes);

            // Bytes in memory: either secret opens the envelope.
            var options = new SealOptions(metadata: new Metadata(name: "notulen.txt", mediaType: "text/plain"));
            byte[] envelope = KluisMethods.SealBytes(Encoding.UTF8.GetBytes("vertrouwelijk"), new List<Secret> { password, myKey }, options);
            Opened opened = KluisMethods.OpenBytes(envelope, myKey);
            Console.WriteLine("opened: " + Encoding.UTF8.GetString(opened.Plaintext) + " named " + opened.Metadata.Name);

            // What anyone can see without a secret.
            Console.WriteLine("slots: " + KluisMethods.Inspect(envelope).Slots.Count);

            // Errors are classes, one per kind, all KluisExceptions.
            try
            {
                KluisMethods.OpenBytes(envelope, new Secret.Password("fout"));
            }
            catch (KluisException.WrongSecret e)
            {
                Console.WriteLine("refused: " + e.Message);
            }

            string dir = Path.Combine(Path.GetTempPath(), "kluis-example-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                // Files: the output appears only once complete (atomic).
                string source = Path.Combine(dir, "report.pdf");
                File.WriteAllBytes(source, new byte[100000]);
                KluisMethods.SealFile(source, source + ".kluis", new List<Secret> { myKey });
                Metadata metadata = KluisMethods.OpenFile(source + ".kluis", Path.Combine(dir, "copy.pdf"), myKey);
                Console.WriteLine("file round trip ok; metadata: " + (metadata == null ? "none" : metadata.Name));

                // Streams: SealingStream and OpeningStream work like CryptoStream.
                using (var output = File.Create(Path.Combine(dir, "notes.kluis")))
                using (var sealing = new SealingStream(output, new List<Secret> { myKey }))
                {
                    byte[] text = Encoding.UTF8.GetBytes("part one, part two");
                    sealing.Write(text, 0, 10);
                    sealing.Write(text, 10, text.Length - 10);
                }
                using (var opening = new OpeningStream(File.OpenRead(Path.Combine(dir, "notes.kluis")), myKey))
                using (var reader = new StreamReader(opening))
                {
                    Console.WriteLine("stream: " + reader.ReadToEnd());
                }

                // Objects are IDisposable: `using` frees the Rust side at once.
                var pieces = new List<byte[]>();
                using (var sealer = new Sealer(new List<Secret> { myKey }))
                {
                    pieces.Add(sealer.Write(Encoding.UTF8.GetBytes("piece by ")));
                    pieces.Add(sealer.Write(Encoding.UTF8.GetBytes("piece")));
                    pieces.Add(sealer.Finish());
                }
                var plaintext = new MemoryStream();
                using (var opener = new Opener(myKey))
                {
                    foreach (byte[] piece in pieces)
                    {
                        byte[] plain = opener.Write(piece);
                        plaintext.Write(plain, 0, plain.Length);
                    }
                    byte[] last = opener.Finish();
                    plaintext.Write(last, 0, last.Length);
                }
                Console.WriteLine("pieces: " + Encoding.UTF8.GetString(plaintext.ToArray()));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
