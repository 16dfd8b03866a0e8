// MailCheck: the detector on a mail's subject and body, reporting kinds and
// reasons only.

using System.Linq;
using Kluis.Testing;

namespace Kluis.Outlook.Tests
{
    public class MailCheckTests
    {
        private static FakeMailItem Mail(string subject, string body, bool isHtml)
        {
            var item = new FakeMailItem("ann@example.org", body, isHtml) { Subject = subject };
            item.To.Add("bob@example.org");
            return item;
        }

        [Test]
        public void BsnInTheBodyAsksToSendSecurelyWithoutTheNumber()
        {
            MailCheck check = MailCheck.Of(Mail("Aanvraag", "Beste Bob,\nBurgerservicenummer: 111222333 en nog eens BSN 111222333.\nAnn", false));
            Assert.True(check.ShouldSendSecurely);
            Assert.Sequence(new[] { "bsn" }, check.Concerns.Select(c => c.Kind), "one concern per kind");
            Assert.Equal("contains a valid citizen service number (BSN)", check.Concerns[0].Reason);
            Assert.False(check.Concerns[0].Reason.Contains("111"), "never the number");
        }

        [Test]
        public void BsnInTheSubjectOrAnHtmlBodyIsFoundInDutchToo()
        {
            MailCheck subject = MailCheck.Of(Mail("Burgerservicenummer 111222333", "Zie bijlage", false), Language.Nl);
            Assert.Sequence(new[] { "bsn" }, subject.Concerns.Select(c => c.Kind));
            Assert.NotEqual("contains a valid citizen service number (BSN)", subject.Concerns[0].Reason);
            Assert.True(subject.Concerns[0].Reason.Length > 0, "a Dutch reason");

            string html = "<html><head><style>.bsn{}</style></head><body><p>Burgerservicenummer:&nbsp;<b>111222333</b></p></body></html>";
            Assert.Sequence(new[] { "bsn" }, MailCheck.Of(Mail("Aanvraag", html, true)).Concerns.Select(c => c.Kind));
        }

        [Test]
        public void OrdinaryMailGoesAsItIs()
        {
            Assert.False(MailCheck.Of(Mail("Lunch", "Zullen we om 12:30 lunchen? Tafel 4, kamer 111.", false)).ShouldSendSecurely);
            Assert.Equal(0, MailCheck.Of(Mail("Lunch", "<p>Tot <b>straks</b></p>", true)).Concerns.Count);
        }

        [Test]
        public void HtmlTagsAndCommentsAreNotTheText()
        {
            // A number only in markup (an attribute, a comment, a script) is not what the mail shows.
            string html = "<body><img src=\"x.png?bsn=111222333\"><!-- BSN 111222333 --><script>var bsn='111222333';</script><p>Hoi</p></body>";
            Assert.False(MailCheck.Of(Mail("Hoi", html, true)).ShouldSendSecurely);
        }
    }
}
