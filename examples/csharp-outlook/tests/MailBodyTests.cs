// MailBody.WithNotice: where the notice goes in HTML and text bodies, and
// how its text is escaped.

using Kluis.Testing;

namespace Kluis.Outlook.Tests
{
    public class MailBodyTests
    {
        private const string Link = "https://kluis.example.org/t/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        private const string Notice = "Ann <ann@example.org> sent you files:\n" + Link + "\n\nAsk Ann for the password & open it.\n";

        [Test]
        public void TextBodyGetsTheNoticeFirstWithItsLineEnds()
        {
            Assert.Equal("Ann <ann@example.org> sent you files:\n" + Link + "\n\nAsk Ann for the password & open it.\n\nHi",
                MailBody.WithNotice("Hi", false, Notice, Link));
            Assert.Equal("Ann <ann@example.org> sent you files:\r\n" + Link + "\r\n\r\nAsk Ann for the password & open it.\r\n\r\nHi\r\nAnn",
                MailBody.WithNotice("Hi\r\nAnn", false, Notice, Link));
            Assert.Equal("Ann <ann@example.org> sent you files:\n" + Link + "\n\nAsk Ann for the password & open it.\n\n",
                MailBody.WithNotice("", false, Notice, Link));
        }

        [Test]
        public void HtmlBodyGetsTheNoticeEscapedAfterItsBodyTag()
        {
            string expected = "<div class=\"kluis-notice\"><p>Ann &lt;ann@example.org&gt; sent you files:<br>\n"
                + "<a href=\"" + Link + "\">" + Link + "</a></p>\n"
                + "<p>Ask Ann for the password &amp; open it.</p>\n</div>\n<hr>\n";
            Assert.Equal("<HTML><BODY class=\"x\">" + expected + "<p>Hi</p></BODY></HTML>",
                MailBody.WithNotice("<HTML><BODY class=\"x\"><p>Hi</p></BODY></HTML>", true, Notice, Link));
            Assert.Equal(expected + "<p>Hi</p>", MailBody.WithNotice("<p>Hi</p>", true, Notice, Link));
            Assert.Equal("<html><bodyguard><body>" + expected, MailBody.WithNotice("<html><bodyguard><body>", true, Notice, Link));
        }
    }
}
