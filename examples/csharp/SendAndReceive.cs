// Kluis in C#, first five minutes: send and receive a transfer.
// The sender mails the link; the password goes another way (phone, chat).
// Compiled and run by bindings/csharp/run-tests.sh (ExamplesTests).

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Kluis.Examples
{
    public static class SendAndReceive
    {
        public static void Main()
        {
            string dir = Path.Combine(Path.GetTempPath(), "kluis-example-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                // A folder store (DirectoryTransport.OpenDefault() uses the user's data folder).
                string link;
                string password = KluisMethods.GeneratePassword(); // e.g. k7mq-3xpz-h9wd-2rtf-bn4c-e8ya
                using (var store = new DirectoryTransport(Path.Combine(dir, "store")))
                {
                    // Sender
                    var request = new TransferRequest(
                        sender: "ann@example.org",
                        recipients: new List<string> { "bob@example.org" },
                        files: new List<FileSource> { new FileSource.Bytes("contract.pdf", Encoding.ASCII.GetBytes("%PDF-1.7 ..."), null) },
                        password: password,
                        subject: "Contract",
                        message: "Bob, the signed contract.",
                        expiresInSeconds: 7 * 86400);
                    SentTransfer sent = KluisMethods.SendTransfer(store, request);
                    link = store.Link(sent.TransferId);
                    Console.WriteLine("mail this link: " + link);
                }

                // A password chosen by a person is rated first.
                Console.WriteLine("'password123' acceptable? " + KluisMethods.RatePassword("password123").Acceptable);

                // Recipient
                TransferLink parsed = KluisMethods.ParseLink(link);
                using (var store = new DirectoryTransport(parsed.StorePath))
                using (ReceivedTransfer received = KluisMethods.OpenTransfer(store, parsed.TransferId, password))
                {
                    TransferInfo info = received.Info();
                    Console.WriteLine("from " + info.Sender + ": " + info.Subject + ", message: " + info.Message);
                    string downloads = Path.Combine(dir, "Downloads");
                    Directory.CreateDirectory(downloads);
                    foreach (string path in received.DownloadAll(downloads))
                    {
                        Console.WriteLine("saved " + path);
                    }
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
