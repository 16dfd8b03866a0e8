// Every error kind is its own exception class with a readable message.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class ErrorsTests
    {
        private static readonly string Kit = Path.Combine(Repo, "docs", "test-vectors", "malformed");

        /// <summary>The core's error kinds (docs/FORMAT.md section 10) and the exception each throws.</summary>
        private static readonly Dictionary<string, Type> KindToClass = new Dictionary<string, Type>
        {
            { "BadMagic", typeof(KluisException.Malformed) },
            { "UnsupportedVersion", typeof(KluisException.Malformed) },
            { "MalformedHeader", typeof(KluisException.Malformed) },
            { "LimitsExceeded", typeof(KluisException.LimitsExceeded) },
            { "WrongSecret", typeof(KluisException.WrongSecret) },
            { "HeaderTampered", typeof(KluisException.Tampered) },
            { "ChunkTampered", typeof(KluisException.Tampered) },
            { "TrailingData", typeof(KluisException.Tampered) },
            { "SizeMismatch", typeof(KluisException.Tampered) },
            { "Truncated", typeof(KluisException.Truncated) },
        };

        private sealed class Case
        {
            public string Expect;
            public string File;
            public Secret Secret;
        }

        /// <summary>cases.json, read with two regular expressions (its keys are sorted: about, expect, file, secret).</summary>
        private static List<Case> Cases()
        {
            string text = File.ReadAllText(Path.Combine(Kit, "cases.json"));
            string secretsBlock = text.Substring(text.IndexOf("\"secrets\"", StringComparison.Ordinal));
            var secrets = new Dictionary<string, Secret>();
            foreach (Match m in Regex.Matches(secretsBlock, "\"((?:wrong-)?(?:key|password))\":\\s*\"([^\"]*)\""))
            {
                string name = m.Groups[1].Value;
                string value = m.Groups[2].Value;
                secrets[name] = name.EndsWith("key") ? (Secret)new Secret.Key(FromHex(value)) : new Secret.Password(value);
            }
            var cases = new List<Case>();
            foreach (Match m in Regex.Matches(text, "\"expect\":\\s*\"(\\w+)\",\\s*\"file\":\\s*\"([^\"]+)\",\\s*\"secret\":\\s*\"([^\"]+)\""))
            {
                cases.Add(new Case { Expect = m.Groups[1].Value, File = m.Groups[2].Value, Secret = secrets[m.Groups[3].Value] });
            }
            Assert.True(cases.Count >= 60, "cases.json: only " + cases.Count + " cases parsed");
            return cases;
        }

        private static void AssertKind(Type expected, Action action, string what)
        {
            KluisException e = Assert.Throws<KluisException>(action);
            Assert.Equal(expected, e.GetType(), what + " (" + e.Message + ")");
        }

        [Test]
        public void MalformedKitThroughOpenBytes()
        {
            foreach (Case c in Cases())
            {
                byte[] envelope = File.ReadAllBytes(Path.Combine(Kit, c.File));
                AssertKind(KindToClass[c.Expect], () => KluisMethods.OpenBytes(envelope, c.Secret), c.File);
            }
        }

        [Test]
        public void MalformedKitThroughAnOpenerIn1013BytePieces()
        {
            foreach (Case c in Cases())
            {
                byte[] envelope = File.ReadAllBytes(Path.Combine(Kit, c.File));
                using (var opener = new Opener(c.Secret))
                {
                    AssertKind(KindToClass[c.Expect], () =>
                    {
                        foreach (byte[] piece in Pieces(envelope, 1013))
                        {
                            opener.Write(piece);
                        }
                        opener.Finish();
                    }, c.File);
                }
            }
        }

        [Test]
        public void MalformedKitThroughAnOpeningStream()
        {
            foreach (Case c in Cases())
            {
                byte[] envelope = File.ReadAllBytes(Path.Combine(Kit, c.File));
                AssertKind(KindToClass[c.Expect], () =>
                {
                    using (var opening = new OpeningStream(new MemoryStream(envelope), c.Secret) { BufferSize = 777 })
                    {
                        opening.CopyTo(Stream.Null);
                    }
                }, c.File);
            }
        }

        [Test]
        public void MessagesAreReadable()
        {
            Secret key = NewKey();
            var e = Assert.ThrowsExactly<KluisException.WrongSecret>(() => KluisMethods.OpenBytes(KluisMethods.SealBytes(new byte[] { 1 }, Secrets(key)), NewKey()));
            Assert.Equal("wrong password or key", e.Message);
            byte[] envelope = KluisMethods.SealBytes(new byte[10], Secrets(key));
            envelope[envelope.Length - 1] ^= 1;
            var t = Assert.ThrowsExactly<KluisException.Tampered>(() => KluisMethods.OpenBytes(envelope, key));
            Assert.True(t.Message.StartsWith("chunk 0 failed to authenticate"), t.Message);
        }

        [Test]
        public void EveryEnvelopeKind()
        {
            using (var dir = new TempDir())
            {
                Secret key = NewKey();
                byte[] longer = KluisMethods.SealBytes(RandomBytes(70000), Secrets(key));
                AssertKind(typeof(KluisException.Truncated), () => KluisMethods.OpenBytes(Slice(longer, 0, longer.Length - (70000 - 65536 + 16)), key), "truncated");
                var pw = new Secret.Password("een wachtwoord");
                byte[] cheap = KluisMethods.SealBytes(new byte[] { 1 }, Secrets(pw), Fast);
                AssertKind(typeof(KluisException.LimitsExceeded), () => KluisMethods.OpenBytes(cheap, pw, new OpenLimits(maxMKib: 512)), "limits");
                AssertKind(typeof(KluisException.Malformed), () => KluisMethods.OpenBytes(Utf8("not an envelope"), key), "malformed");
                AssertKind(typeof(KluisException.Malformed), () => KluisMethods.Inspect(Utf8("KL")), "inspect");
                AssertKind(typeof(KluisException.Io), () => KluisMethods.OpenFile(dir.File("missing"), dir.File("out"), key), "io");
            }
        }

        [Test]
        public void InvalidArguments()
        {
            Secret key = NewKey();
            var calls = new List<Action>
            {
                () => KluisMethods.SealBytes(new byte[] { 1 }, new List<Secret>()),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(new Secret.Key(new byte[5]))),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(new Secret.Password(""))),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Enumerable.Repeat(key, 17).ToList()),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(key), new SealOptions(argon2: new Argon2Params(mKib: 8, t: 0, p: 1))),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(key), new SealOptions(metadata: new Metadata(name: "../etc/passwd"))),
                () => KluisMethods.SealBytes(new byte[] { 1 }, Secrets(key), new SealOptions(metadata: new Metadata(extraJson: "[1]"))),
                () => new Opener(new Secret.Key(new byte[31])).Dispose(),
                () =>
                {
                    using (var sealer = new Sealer(Secrets(key), new SealOptions(metadata: new Metadata(size: 10))))
                    {
                        sealer.Write(new byte[5]);
                        sealer.Finish();
                    }
                },
            };
            for (int i = 0; i < calls.Count; i++)
            {
                AssertKind(typeof(KluisException.InvalidArgument), calls[i], "call " + i);
            }
        }

        [Test]
        public void KindsAreDistinctSubclassesOfOneException()
        {
            var kinds = new List<KluisException>
            {
                new KluisException.WrongSecret("x"), new KluisException.Tampered("x"), new KluisException.Truncated("x"),
                new KluisException.LimitsExceeded("x"), new KluisException.Malformed("x"), new KluisException.Expired("x"),
                new KluisException.NotFound("x"), new KluisException.WeakPassword("x"), new KluisException.AlreadyExists("x"),
                new KluisException.InvalidArgument("x"), new KluisException.Transport("x"), new KluisException.Io("x"),
            };
            Assert.Equal(kinds.Count, kinds.Select(k => k.GetType()).Distinct().Count());
            foreach (KluisException k in kinds)
            {
                Assert.True(k is Exception);
                Assert.Equal(typeof(KluisException), k.GetType().BaseType);
                Assert.Equal("x", k.Message);
            }
            Assert.True(typeof(KluisException).IsAbstract);
            Assert.Equal(typeof(Exception), typeof(TransportException).BaseType);
        }
    }
}
