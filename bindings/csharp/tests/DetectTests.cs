// The sensitive-content detector (docs/DETECT.md) through the FFI: the
// shared vectors (docs/test-vectors/detect-vectors.json) and files, with
// the assertions of the Python tests.

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class DetectTests
    {
        private static readonly HashSet<string> NumberKinds = new HashSet<string> { "bsn", "iban", "credit_card", "id_document", "driving_licence" };

        private static List<object> Vectors()
        {
            string path = Path.Combine(Repo, "docs", "test-vectors", "detect-vectors.json");
            var doc = (Dictionary<string, object>)MiniJson.Parse(File.ReadAllText(path, Encoding.UTF8));
            return (List<object>)doc["vectors"];
        }

        [Test]
        public void TheSharedVectors()
        {
            List<object> vectors = Vectors();
            Assert.True(vectors.Count >= 30, "only " + vectors.Count + " vectors read");
            foreach (Dictionary<string, object> v in vectors)
            {
                string name = (string)v["name"];
                string text = (string)v["text"];
                List<Finding> found = KluisMethods.ScanText(text);
                var want = ((List<object>)v["findings"]).Cast<Dictionary<string, object>>()
                    .Select(f => (string)f["kind"] + " " + (long)f["start"] + ".." + (long)f["end"]).ToList();
                var got = found.Select(f => f.Kind + " " + f.Start + ".." + f.End).ToList();
                Assert.Equal(string.Join(", ", want), string.Join(", ", got), name);
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                foreach (Finding f in found)
                {
                    Assert.True(f.Reason.Length > 0 && f.ReasonNl.Length > 0 && f.Confidence > 0 && f.Confidence <= 1, name + ": reasons and confidence");
                    if (NumberKinds.Contains(f.Kind))
                    {
                        string number = Encoding.UTF8.GetString(bytes, (int)f.Start, (int)(f.End - f.Start));
                        Assert.False(f.Excerpt.Contains(number), name + ": " + f.Excerpt + " shows " + number);
                    }
                }
            }
        }

        [Test]
        public void ScanFileReadsADocumentAndRefusesWhatItCannotRead()
        {
            using (var dir = new TempDir())
            {
                string note = dir.File("brief.html");
                File.WriteAllText(note, "<p>Burgerservicenummer: <b>111222333</b></p>", new UTF8Encoding(false));
                List<Finding> found = KluisMethods.ScanFile(note);
                Assert.Equal(1, found.Count);
                Assert.Equal("bsn", found[0].Kind);
                Assert.Equal("contains a valid citizen service number (BSN)", found[0].Reason);
                Assert.Equal("bevat een geldig burgerservicenummer (BSN)", found[0].ReasonNl);
                Assert.ThrowsExactly<KluisException.Io>(() => KluisMethods.ScanFile(dir.File("missing.txt")));
                string binary = dir.File("tool.bin");
                File.WriteAllBytes(binary, new byte[] { 0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0 });
                Assert.ThrowsExactly<KluisException.Malformed>(() => KluisMethods.ScanFile(binary));
            }
        }
    }
}
