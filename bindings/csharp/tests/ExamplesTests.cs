// The examples in examples/csharp (compiled with the tests) run as they are.

using System;
using System.IO;
using Kluis.Testing;

namespace Kluis.Tests
{
    public class ExamplesTests
    {
        private static string Output(Action run)
        {
            TextWriter saved = Console.Out;
            var buffer = new StringWriter();
            Console.SetOut(buffer);
            try
            {
                run();
            }
            finally
            {
                Console.SetOut(saved);
            }
            Console.Write(buffer.ToString().Replace("\n", "\n      ").TrimEnd(' '));
            return buffer.ToString();
        }

        [Test]
        public void SealAndOpenExample()
        {
            string output = Output(Kluis.Examples.SealAndOpen.Main);
            Assert.Contains("opened: vertrouwelijk named notulen.txt", output);
            Assert.Contains("refused: wrong password or key", output);
            Assert.Contains("stream: part one, part two", output);
            Assert.Contains("pieces: piece by piece", output);
        }

        [Test]
        public void SendAndReceiveExample()
        {
            string output = Output(Kluis.Examples.SendAndReceive.Main);
            Assert.Contains("mail this link: file://", output);
            Assert.Contains("saved ", output);
        }
    }
}
