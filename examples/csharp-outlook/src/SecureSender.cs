// Sends a mail's attachments securely: seals and uploads them to a Kluis
// server through the C# binding (HttpTransport + KluisMethods.SendTransfer),
// then replaces them in the mail by the recipient notice with the link.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Kluis.Outlook
{
    /// <summary>
    /// Sends the attachments of an <see cref="IMailItem"/> through a Kluis
    /// server: seals and uploads them as one transfer to the To and Cc
    /// recipients, then removes them from the mail and puts the recipient
    /// notice with the link at the top of the body. The password is returned
    /// to be told another way (by phone); it never goes into the mail.
    /// When anything fails the mail is left as it was (attachments and body)
    /// and the binding's typed exception (<see cref="KluisException"/>) is thrown.
    /// </summary>
    /// <example>
    /// <code>
    /// SenderToken token = KluisMethods.ConfirmCode(server, address, codeFromTheMail);
    /// var sender = new SecureSender(server, token.Token, new HttpOptions(downloadLimit: 5));
    /// sender.NoticeLanguage = Language.Nl;
    /// SecureSendResult sent = sender.Send(item);
    /// MessageBox.Show("Tell the recipients this password by phone: " + sent.Password);
    /// </code>
    /// </example>
    public sealed class SecureSender
    {
        /// <summary>The default of <see cref="MaxTotalBytes"/>: 100 MiB.</summary>
        public const long DefaultMaxTotalBytes = 100L * 1024 * 1024;

        private readonly string server;
        private readonly string token;
        private readonly HttpOptions httpOptions;

        /// <summary>A sender to the Kluis server at <paramref name="server"/>.</summary>
        /// <param name="server">The server's base address (<c>https://kluis.example.org</c>).</param>
        /// <param name="token">The sender's token (<see cref="SenderToken.Token"/> from <see cref="KluisMethods.ConfirmCode"/>).</param>
        /// <param name="httpOptions">Download limit, timeouts, retries, the language of the server's mail (null: the defaults).</param>
        /// <example>
        /// <code>
        /// var sender = new SecureSender("https://kluis.example.org", token.Token);
        /// </code>
        /// </example>
        public SecureSender(string server, string token, HttpOptions httpOptions = null)
        {
            if (server == null) throw new ArgumentNullException(nameof(server));
            if (token == null) throw new ArgumentNullException(nameof(token));
            this.server = server;
            this.token = token;
            this.httpOptions = httpOptions;
            NoticeLanguage = Language.En;
            ExpiresInSeconds = 7 * 24 * 3600;
            MaxTotalBytes = DefaultMaxTotalBytes;
        }

        /// <summary>The language of the notice put into the body (default English).</summary>
        /// <example><code>sender.NoticeLanguage = Language.Nl;</code></example>
        public Language NoticeLanguage { get; set; }

        /// <summary>How long the transfer stays available, in seconds (default 7 days; 1 to 366 days).</summary>
        /// <example><code>sender.ExpiresInSeconds = 3 * 24 * 3600;</code></example>
        public ulong ExpiresInSeconds { get; set; }

        /// <summary>
        /// The most attachment bytes one mail may carry (default
        /// <see cref="DefaultMaxTotalBytes"/>): they are read into memory,
        /// as the binding takes a path or bytes, not a stream.
        /// </summary>
        /// <example><code>sender.MaxTotalBytes = 20L * 1024 * 1024;</code></example>
        public long MaxTotalBytes { get; set; }

        /// <summary>How to seal (null: the binding's defaults).</summary>
        /// <example><code>sender.SendOptions = new SendOptions(tempDir: @"D:\Temp");</code></example>
        public SendOptions SendOptions { get; set; }

        /// <summary>
        /// Seals and uploads the attachments of <paramref name="item"/>, then
        /// removes them and puts the notice with the link into its body.
        /// </summary>
        /// <param name="item">The mail being composed.</param>
        /// <param name="password">The transfer password (null: a generated one).</param>
        /// <param name="message">A confidential message sealed with the transfer (null: none).</param>
        /// <returns>The password to tell the recipients, the link and the transfer's id and expiry.</returns>
        /// <exception cref="KluisException.InvalidArgument">No attachment, no recipient, or more than <see cref="MaxTotalBytes"/>.</exception>
        /// <exception cref="KluisException.WeakPassword">A chosen password is too weak.</exception>
        /// <exception cref="KluisException.Transport">The server is unreachable or refused (a wrong or expired token, a limit).</exception>
        /// <exception cref="KluisException.Io">An attachment could not be read.</exception>
        /// <example>
        /// <code>
        /// SecureSendResult sent = sender.Send(item);
        /// // item.Body now holds sent.Link; show sent.Password to the user.
        /// </code>
        /// </example>
        public SecureSendResult Send(IMailItem item, string password = null, string message = null)
        {
            if (item == null) throw new ArgumentNullException(nameof(item));
            List<IMailAttachment> attachments = item.Attachments.ToList();
            if (attachments.Count == 0)
            {
                throw new KluisException.InvalidArgument("the mail has no attachments to send securely");
            }
            List<string> recipients = Recipients(item);
            if (recipients.Count == 0)
            {
                throw new KluisException.InvalidArgument("the mail has no recipients in To or Cc");
            }
            List<FileSource> files = ReadAll(attachments);
            try
            {
                string chosen = password ?? KluisMethods.GeneratePassword();
                var request = new TransferRequest(item.SenderAddress, recipients, files, chosen,
                    subject: item.Subject ?? "", message: message, expiresInSeconds: ExpiresInSeconds);
                SentTransfer sent;
                string link;
                using (var transport = new HttpTransport(server, token, httpOptions))
                {
                    sent = KluisMethods.SendTransfer(transport, request, SendOptions);
                    link = transport.Link(sent.TransferId);
                }
                RecipientNotice notice = KluisMethods.RecipientNotice(item.SenderAddress, link, sent.ExpiresAt, NoticeLanguage);
                string body = MailBody.WithNotice(item.Body ?? "", item.IsHtml, notice.Body, link);
                item.SetBody(body);
                foreach (IMailAttachment attachment in attachments)
                {
                    attachment.Remove();
                }
                return new SecureSendResult(chosen, link, sent.TransferId, sent.ExpiresAt);
            }
            finally
            {
                foreach (var file in files.OfType<FileSource.Bytes>())
                {
                    Array.Clear(file.Data, 0, file.Data.Length);
                }
            }
        }

        private static List<string> Recipients(IMailItem item)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var all = new List<string>();
            foreach (string address in (item.To ?? new string[0]).Concat(item.Cc ?? new string[0]))
            {
                string trimmed = (address ?? "").Trim();
                if (trimmed.Length > 0 && seen.Add(trimmed))
                {
                    all.Add(trimmed);
                }
            }
            return all;
        }

        private List<FileSource> ReadAll(List<IMailAttachment> attachments)
        {
            var files = new List<FileSource>();
            long total = 0;
            foreach (IMailAttachment attachment in attachments)
            {
                byte[] data;
                try
                {
                    using (Stream content = attachment.Open())
                    {
                        data = ReadBounded(content, MaxTotalBytes - total, attachment.Name);
                    }
                }
                catch (IOException e)
                {
                    throw new KluisException.Io("could not read the attachment " + attachment.Name + ": " + e.Message);
                }
                catch (UnauthorizedAccessException e)
                {
                    throw new KluisException.Io("could not read the attachment " + attachment.Name + ": " + e.Message);
                }
                total += data.Length;
                files.Add(new FileSource.Bytes(attachment.Name, data, null));
            }
            return files;
        }

        private byte[] ReadBounded(Stream content, long room, string name)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = content.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + n > room)
                {
                    throw new KluisException.InvalidArgument("the attachments exceed " + MaxTotalBytes + " bytes (at " + name + ")");
                }
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
    }

    /// <summary>What <see cref="SecureSender.Send"/> did: the password to show and the transfer it made.</summary>
    /// <example>
    /// <code>
    /// SecureSendResult sent = sender.Send(item);
    /// Console.WriteLine(sent.Link + " until " + DateTimeOffset.FromUnixTimeSeconds((long)sent.ExpiresAt));
    /// </code>
    /// </example>
    public sealed class SecureSendResult
    {
        /// <summary>A result with the given values.</summary>
        /// <param name="password">The transfer password.</param>
        /// <param name="link">The link put into the mail.</param>
        /// <param name="transferId">The transfer's id.</param>
        /// <param name="expiresAt">The expiry, Unix seconds.</param>
        /// <example><code>var r = new SecureSendResult("pw", link, id, 1800000000);</code></example>
        public SecureSendResult(string password, string link, string transferId, ulong expiresAt)
        {
            Password = password;
            Link = link;
            TransferId = transferId;
            ExpiresAt = expiresAt;
        }

        /// <summary>The transfer password: show it to the sender to tell the recipients another way; it is not in the mail.</summary>
        public string Password { get; private set; }

        /// <summary>The link put into the mail's body.</summary>
        public string Link { get; private set; }

        /// <summary>The transfer's id.</summary>
        public string TransferId { get; private set; }

        /// <summary>When the transfer expires, Unix seconds.</summary>
        public ulong ExpiresAt { get; private set; }
    }
}
