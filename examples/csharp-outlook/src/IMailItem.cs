// The mail being composed, as the add-in sees it: the few things of an
// Outlook item that sending securely reads and changes. An add-in implements
// it over Microsoft.Office.Interop.Outlook.MailItem (README.md); the tests
// implement it over a plain object (tests/FakeMailItem.cs).

using System.Collections.Generic;
using System.IO;

namespace Kluis.Outlook
{
    /// <summary>
    /// The mail being composed: its sender, recipients, subject, body and
    /// attachments, and the two changes <see cref="SecureSender"/> makes to it
    /// (the body, the attachments' removal).
    /// </summary>
    /// <example>
    /// <code>
    /// IMailItem item = new OutlookMailItem(mailItem);      // README.md: over Outlook.MailItem
    /// SecureSendResult sent = new SecureSender(server, token).Send(item);
    /// </code>
    /// </example>
    public interface IMailItem
    {
        /// <summary>The sender's address (the mailbox the token was issued for).</summary>
        string SenderAddress { get; }

        /// <summary>The addresses in the To field.</summary>
        IList<string> To { get; }

        /// <summary>The addresses in the Cc field.</summary>
        IList<string> Cc { get; }

        /// <summary>The subject.</summary>
        string Subject { get; }

        /// <summary>The body: HTML when <see cref="IsHtml"/>, plain text otherwise.</summary>
        string Body { get; }

        /// <summary>Whether <see cref="Body"/> is HTML.</summary>
        bool IsHtml { get; }

        /// <summary>The attachments, in the order the mail lists them.</summary>
        IList<IMailAttachment> Attachments { get; }

        /// <summary>Replaces the body (HTML when <see cref="IsHtml"/>, plain text otherwise).</summary>
        /// <param name="body">The new body.</param>
        void SetBody(string body);
    }

    /// <summary>One attachment of an <see cref="IMailItem"/>.</summary>
    /// <example>
    /// <code>
    /// foreach (IMailAttachment a in item.Attachments)
    /// {
    ///     using (Stream content = a.Open()) { /* read it */ }
    /// }
    /// </code>
    /// </example>
    public interface IMailAttachment
    {
        /// <summary>The file name, as the recipients would see it.</summary>
        string Name { get; }

        /// <summary>A new readable stream of the content, from its start; the caller disposes it.</summary>
        /// <returns>The content.</returns>
        Stream Open();

        /// <summary>Removes the attachment from the mail.</summary>
        void Remove();
    }
}
