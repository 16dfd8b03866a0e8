// An IMailItem over plain fields, standing for an Outlook item in the tests.

using System.Collections.Generic;
using System.IO;

namespace Kluis.Outlook.Tests
{
    public sealed class FakeMailItem : IMailItem
    {
        public FakeMailItem(string sender, string body, bool isHtml)
        {
            SenderAddress = sender;
            Body = body;
            IsHtml = isHtml;
            To = new List<string>();
            Cc = new List<string>();
            Subject = "";
            Attachments = new List<IMailAttachment>();
        }

        public string SenderAddress { get; private set; }

        public IList<string> To { get; private set; }

        public IList<string> Cc { get; private set; }

        public string Subject { get; set; }

        public string Body { get; private set; }

        public bool IsHtml { get; private set; }

        public IList<IMailAttachment> Attachments { get; private set; }

        public int BodySets { get; private set; }

        public void SetBody(string body)
        {
            Body = body;
            BodySets++;
        }

        public FakeAttachment Attach(string name, byte[] content)
        {
            var attachment = new FakeAttachment(this, name, content);
            Attachments.Add(attachment);
            return attachment;
        }
    }

    public sealed class FakeAttachment : IMailAttachment
    {
        private readonly FakeMailItem item;
        private readonly byte[] content;

        public FakeAttachment(FakeMailItem item, string name, byte[] content)
        {
            this.item = item;
            this.content = content;
            Name = name;
        }

        public string Name { get; private set; }

        /// <summary>When set, Open throws this (a file gone from the temp folder, say).</summary>
        public IOException OpenFails { get; set; }

        public void Remove()
        {
            item.Attachments.Remove(this);
        }

        public Stream Open()
        {
            if (OpenFails != null)
            {
                throw OpenFails;
            }
            return new MemoryStream(content, false);
        }
    }
}
