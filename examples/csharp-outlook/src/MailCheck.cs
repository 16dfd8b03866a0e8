// Whether a mail should go securely: the binding's detector (ScanText) run on
// its subject and body; only each kind found and why it matters come out,
// never the number or its surroundings.

using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace Kluis.Outlook
{
    /// <summary>
    /// What the detector found in a mail's subject and body: one
    /// <see cref="Concern"/> per kind of sensitive information, for an
    /// ItemSend handler to ask "send securely?" before the mail goes.
    /// </summary>
    /// <example>
    /// <code>
    /// MailCheck check = MailCheck.Of(item, Language.Nl);
    /// if (check.ShouldSendSecurely)
    ///     MessageBox.Show(string.Join("\n", check.Concerns.Select(c => c.Reason)));
    /// </code>
    /// </example>
    public sealed class MailCheck
    {
        private static readonly Regex Invisible = new Regex(@"<(script|style|head)\b.*?</\1\s*>|<!--.*?-->", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex Tag = new Regex(@"<[^>]*>", RegexOptions.CultureInvariant);

        private MailCheck(IList<Concern> concerns)
        {
            Concerns = concerns;
        }

        /// <summary>The kinds found, each once, in the order first found.</summary>
        public IList<Concern> Concerns { get; private set; }

        /// <summary>Whether anything sensitive was found.</summary>
        public bool ShouldSendSecurely
        {
            get { return Concerns.Count > 0; }
        }

        /// <summary>
        /// Runs <see cref="KluisMethods.ScanText"/> on the subject and the
        /// body of <paramref name="item"/> (an HTML body as the text it
        /// shows: tags, scripts, styles and comments left out, entities decoded).
        /// </summary>
        /// <param name="item">The mail.</param>
        /// <param name="language">The language of each <see cref="Concern.Reason"/>.</param>
        /// <returns>What was found.</returns>
        /// <example>
        /// <code>
        /// if (MailCheck.Of(item, Language.En).ShouldSendSecurely) { /* offer SecureSender */ }
        /// </code>
        /// </example>
        public static MailCheck Of(IMailItem item, Language language = Language.En)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            string body = item.Body ?? "";
            if (item.IsHtml)
            {
                body = WebUtility.HtmlDecode(Tag.Replace(Invisible.Replace(body, " "), " "));
            }
            List<Finding> findings = KluisMethods.ScanText((item.Subject ?? "") + "\n\n" + body);
            var concerns = findings
                .GroupBy(f => f.Kind)
                .Select(g => new Concern(g.Key, language == Language.Nl ? g.First().ReasonNl : g.First().Reason))
                .ToList();
            return new MailCheck(concerns);
        }
    }

    /// <summary>One kind of sensitive information found in a mail, and why it matters (never the value itself).</summary>
    /// <example>
    /// <code>
    /// foreach (Concern c in MailCheck.Of(item).Concerns) Console.WriteLine(c.Kind + ": " + c.Reason);
    /// </code>
    /// </example>
    public sealed class Concern
    {
        /// <summary>A concern of <paramref name="kind"/> for <paramref name="reason"/>.</summary>
        /// <param name="kind">The detector's kind (<c>bsn</c>, <c>iban</c>, <c>health</c>, ...).</param>
        /// <param name="reason">Why it matters.</param>
        /// <example><code>var c = new Concern("bsn", "a citizen service number");</code></example>
        public Concern(string kind, string reason)
        {
            Kind = kind;
            Reason = reason;
        }

        /// <summary>The detector's kind: <c>bsn</c>, <c>iban</c>, <c>credit_card</c>, <c>id_document</c>, <c>health</c>, ...</summary>
        public string Kind { get; private set; }

        /// <summary>Why it matters, in the language asked for.</summary>
        public string Reason { get; private set; }
    }
}
