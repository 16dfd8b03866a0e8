// The recipient notice: the mail text `kluis send` prints and a Kluis server
// mails, in English and Dutch (what an Outlook add-in pastes into the mail).

using System.Collections.Generic;
using Kluis.Testing;
using static Kluis.Tests.Support;

namespace Kluis.Tests
{
    public class NoticeTests
    {
        private const string Link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";

        // A server link is opened in a browser, where the receive page asks
        // for the password the sender told by phone or SMS.
        private static readonly Dictionary<Language, string[]> Browser = new Dictionary<Language, string[]>
        {
            [Language.En] = new[] { "Open this link in your browser:", "by phone\nor by text message (SMS): it is not in this mail." },
            [Language.Nl] = new[] { "Open deze link in uw browser:", "via de telefoon\nof per sms. Het wachtwoord staat niet in deze mail." },
        };

        [Test]
        [Case(Language.En, "Encrypted files from ann@example.org")]
        [Case(Language.Nl, "Versleutelde bestanden van ann@example.org")]
        public void TheNoticeRendersInEachLanguage(Language language, string subject)
        {
            RecipientNotice notice = KluisMethods.RecipientNotice("ann@example.org", Link, 1700604800, language);
            Assert.Equal(subject, notice.Subject);
            Assert.Contains("\n    " + Link + "\n", notice.Body);
            foreach (string sentence in Browser[language])
            {
                Assert.Contains(sentence, notice.Body);
            }
            Assert.True(notice.Body.EndsWith("\n    kluis receive " + Link + "\n", System.StringComparison.Ordinal), notice.Body);
            Assert.Contains("2023-11-21 22:13 UTC", notice.Body);
        }

        [Test]
        public void EnglishIsTheDefaultAndDutchDiffers()
        {
            RecipientNotice english = KluisMethods.RecipientNotice("ann@example.org", Link, 0, Language.En);
            Assert.Equal(english, KluisMethods.RecipientNotice("ann@example.org", Link, 0));
            RecipientNotice dutch = KluisMethods.RecipientNotice("ann@example.org", Link, 0, Language.Nl);
            Assert.NotEqual(english.Body, dutch.Body);
            Assert.Contains("wachtwoord", dutch.Body);
            Assert.Contains("password", english.Body);
        }

        [Test]
        public void TheNoticeOfASentTransferHasTheLinkAndNoSecret()
        {
            using (var dir = new TempDir())
            using (var store = new DirectoryTransport(dir.File("store")))
            {
                string password = KluisMethods.GeneratePassword();
                var request = new TransferRequest(
                    sender: "ann@example.org",
                    recipients: new List<string> { "bob@example.org" },
                    files: new List<FileSource> { new FileSource.Bytes(name: "jaarverslag.pdf", data: Utf8("%PDF"), mediaType: null) },
                    password: password,
                    subject: "Vertrouwelijk jaarverslag",
                    message: "Alleen voor Bob.");
                SentTransfer sent = KluisMethods.SendTransfer(store, request, new SendOptions(argon2: FastArgon2));
                string link = store.Link(sent.TransferId);
                foreach (Language language in new[] { Language.En, Language.Nl })
                {
                    RecipientNotice notice = KluisMethods.RecipientNotice("ann@example.org", link, sent.ExpiresAt, language);
                    Assert.Contains(link, notice.Body);
                    // A shared folder's link has no page: the notice says `kluis receive`.
                    Assert.False(notice.Body.Contains(Browser[language][0]), notice.Body);
                    Assert.Contains("\n    kluis receive " + link + "\n", notice.Body);
                    foreach (string secret in new[] { password, "Vertrouwelijk jaarverslag", "jaarverslag.pdf", "Alleen voor Bob." })
                    {
                        Assert.False((notice.Subject + notice.Body).Contains(secret), language + ": " + secret);
                    }
                }
            }
        }

        [Test]
        [Case("")]
        [Case(Link + "#password=geheim")]
        [Case(Link + "?k=1")]
        [Case("https://kluis.example.org/")]
        public void OnlyATransferLinkIsAccepted(string link)
        {
            var e = Assert.Throws<KluisException.InvalidArgument>(() => KluisMethods.RecipientNotice("ann@example.org", link, 0));
            Assert.Contains("not a transfer link", e.Message);
        }
    }
}
