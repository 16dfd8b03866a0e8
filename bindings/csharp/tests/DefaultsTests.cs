// A record built with no arguments is the Rust default: the generator writes
// each record's defaults into Kluis.cs as literals, and the Default*()
// functions return the Rust crates' own defaults. A literal that drifts from
// Rust fails here (kluis-ffi's Rust tests compare the same literals).

using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class DefaultsTests
    {
        /// <summary>The record's public properties by name.</summary>
        private static Dictionary<string, object> Fields(object record)
        {
            return record.GetType()
                .GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .ToDictionary(p => p.Name, p => p.GetValue(record, null));
        }

        private static bool Same(object a, object b)
        {
            if (a == null || b == null)
            {
                return a == b;
            }
            var sequence = a as IEnumerable;
            if (sequence != null && !(a is string))
            {
                return sequence.Cast<object>().SequenceEqual(((IEnumerable)b).Cast<object>());
            }
            return a.Equals(b);
        }

        private static void FieldsEqual(object rust, object built)
        {
            Dictionary<string, object> expected = Fields(rust);
            Dictionary<string, object> actual = Fields(built);
            Assert.True(expected.Count > 0, "no properties");
            Assert.Sequence(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
            foreach (KeyValuePair<string, object> field in expected)
            {
                Assert.True(Same(field.Value, actual[field.Key]),
                    rust.GetType().Name + "." + field.Key + ": " + actual[field.Key] + " here, " + field.Value + " in Rust");
            }
            Assert.True(rust.Equals(built), rust.GetType().Name + ": Equals");
        }

        [Test]
        public void RecordsBuiltWithoutArgumentsAreTheRustDefaults()
        {
            FieldsEqual(KluisMethods.DefaultArgon2Params(), new Argon2Params());
            FieldsEqual(KluisMethods.DefaultMetadata(), new Metadata());
            FieldsEqual(KluisMethods.DefaultSealOptions(), new SealOptions());
            FieldsEqual(KluisMethods.DefaultOpenLimits(), new OpenLimits());
            FieldsEqual(KluisMethods.DefaultSendOptions(), new SendOptions());
            FieldsEqual(KluisMethods.DefaultReceiveOptions(), new ReceiveOptions());
            FieldsEqual(KluisMethods.DefaultHttpOptions(), new HttpOptions());
        }

        [Test]
        public void ATransferRequestTakesTheRustDefaultsForWhatIsLeftOut()
        {
            var recipients = new List<string> { "bob@example.org" };
            var built = new TransferRequest("ann@example.org", recipients, new List<FileSource>(), "pw");
            FieldsEqual(KluisMethods.DefaultTransferRequest("ann@example.org", recipients, new List<FileSource>(), "pw"), built);
        }

        [Test]
        public void AChangedFieldIsNoLongerTheDefault()
        {
            var changed = new SealOptions(chunkSize: KluisMethods.DefaultSealOptions().ChunkSize * 2);
            Assert.False(KluisMethods.DefaultSealOptions().Equals(changed));
            Assert.False(Same(Fields(KluisMethods.DefaultSealOptions())["ChunkSize"], Fields(changed)["ChunkSize"]));
        }

        [Test]
        public void CallsWithoutOptionsUseTheExportedDefaults()
        {
            byte[] envelope = KluisMethods.SealBytes(new byte[] { 1 }, Secrets(NewKey()));
            Assert.Equal(KluisMethods.DefaultSealOptions().ChunkSize, KluisMethods.Inspect(envelope).ChunkSize);
            Assert.Equal(KluisMethods.DefaultArgon2Params(), KluisMethods.DefaultSealOptions().Argon2);
            Assert.Equal(KluisMethods.DefaultArgon2Params(), KluisMethods.DefaultSendOptions().Argon2);
        }
    }
}
