// A small test runner for the C# bindings (C# 6, no NUnit needed): every
// public method marked [Test] of a public class in this assembly runs once
// per [Case(...)] (or once without cases) on a new instance; a test passes
// when it returns and fails when it throws. The last line is
// "N passed, M failed"; the exit code is 1 when a test failed.
//
//   mono tests.exe [substring ...]      runs the tests whose name contains a substring

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Kluis.Testing
{
    /// <summary>Marks a test method.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute
    {
    }

    /// <summary>Runs a test method once more with these arguments.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class CaseAttribute : Attribute
    {
        public CaseAttribute(params object[] args)
        {
            Args = args;
        }

        public object[] Args { get; private set; }
    }

    /// <summary>A failed expectation.</summary>
    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message)
        {
        }
    }

    public static class Assert
    {
        public static void True(bool condition, string message = "expected true")
        {
            if (!condition)
            {
                throw new AssertionException(message);
            }
        }

        public static void False(bool condition, string message = "expected false")
        {
            True(!condition, message);
        }

        public static void Equal<T>(T expected, T actual, string message = null)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                throw new AssertionException((message == null ? "" : message + ": ") + "expected <" + Show(expected) + ">, got <" + Show(actual) + ">");
            }
        }

        public static void NotEqual<T>(T unexpected, T actual, string message = null)
        {
            if (EqualityComparer<T>.Default.Equals(unexpected, actual))
            {
                throw new AssertionException((message == null ? "" : message + ": ") + "did not expect <" + Show(actual) + ">");
            }
        }

        public static void Null(object value, string message = "expected null")
        {
            if (value != null)
            {
                throw new AssertionException(message + ", got <" + Show(value) + ">");
            }
        }

        public static void NotNull(object value, string message = "expected a value, got null")
        {
            True(value != null, message);
        }

        public static void Bytes(byte[] expected, byte[] actual, string message = null)
        {
            if (expected == null || actual == null)
            {
                True(expected == actual, (message ?? "bytes") + ": one of them is null");
                return;
            }
            if (expected.Length != actual.Length)
            {
                throw new AssertionException((message ?? "bytes") + ": expected " + expected.Length + " bytes, got " + actual.Length);
            }
            for (int i = 0; i < expected.Length; i++)
            {
                if (expected[i] != actual[i])
                {
                    throw new AssertionException((message ?? "bytes") + ": differ at offset " + i);
                }
            }
        }

        public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string message = null)
        {
            var e = expected.ToList();
            var a = actual.ToList();
            if (!e.SequenceEqual(a))
            {
                throw new AssertionException((message == null ? "" : message + ": ") + "expected [" + string.Join(", ", e.Select(x => Show(x))) + "], got [" + string.Join(", ", a.Select(x => Show(x))) + "]");
            }
        }

        public static void Contains(string needle, string haystack)
        {
            if (haystack == null || !haystack.Contains(needle))
            {
                throw new AssertionException("expected <" + needle + "> in <" + haystack + ">");
            }
        }

        /// <summary>Runs <paramref name="action"/> and returns the exception it throws, which must be a <typeparamref name="T"/> (or derive from it).</summary>
        public static T Throws<T>(Action action) where T : Exception
        {
            try
            {
                action();
            }
            catch (T e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException("expected " + typeof(T).FullName + ", got " + e.GetType().FullName + ": " + e.Message);
            }
            throw new AssertionException("expected " + typeof(T).FullName + ", nothing was thrown");
        }

        /// <summary>Like <see cref="Throws{T}"/>, but the exception's class must be exactly <typeparamref name="T"/>.</summary>
        public static T ThrowsExactly<T>(Action action) where T : Exception
        {
            T e = Throws<T>(action);
            if (e.GetType() != typeof(T))
            {
                throw new AssertionException("expected exactly " + typeof(T).FullName + ", got " + e.GetType().FullName + ": " + e.Message);
            }
            return e;
        }

        private static string Show(object value)
        {
            if (value == null)
            {
                return "null";
            }
            var bytes = value as byte[];
            if (bytes != null)
            {
                return "byte[" + bytes.Length + "]";
            }
            return value.ToString();
        }
    }

    public static class TestRunner
    {
        public static int Main(string[] args)
        {
            var filters = args.ToList();
            int passed = 0;
            var failed = new List<string>();
            var total = Stopwatch.StartNew();
            var types = Assembly.GetExecutingAssembly().GetTypes()
                .Where(t => t.IsPublic && t.IsClass && !t.IsAbstract)
                .OrderBy(t => t.FullName, StringComparer.Ordinal);
            foreach (Type type in types)
            {
                var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                    .OrderBy(m => m.MetadataToken);
                foreach (MethodInfo method in methods)
                {
                    var cases = method.GetCustomAttributes(typeof(CaseAttribute), false).Cast<CaseAttribute>().Select(c => c.Args).ToList();
                    if (cases.Count == 0)
                    {
                        cases.Add(new object[0]);
                    }
                    foreach (object[] arguments in cases)
                    {
                        string name = type.Name + "." + method.Name + (arguments.Length == 0 ? "" : "(" + string.Join(", ", arguments.Select(a => a == null ? "null" : a.ToString())) + ")");
                        if (filters.Count > 0 && !filters.Any(f => name.Contains(f)))
                        {
                            continue;
                        }
                        var watch = Stopwatch.StartNew();
                        try
                        {
                            object instance = Activator.CreateInstance(type);
                            try
                            {
                                method.Invoke(instance, arguments);
                            }
                            finally
                            {
                                var disposable = instance as IDisposable;
                                if (disposable != null)
                                {
                                    disposable.Dispose();
                                }
                            }
                            passed++;
                            Console.WriteLine("PASS  {0} ({1} ms)", name, watch.ElapsedMilliseconds);
                        }
                        catch (TargetInvocationException e)
                        {
                            Exception inner = e.InnerException ?? e;
                            failed.Add(name);
                            Console.WriteLine("FAIL  {0} ({1} ms)\n      {2}", name, watch.ElapsedMilliseconds, inner.ToString().Replace("\n", "\n      "));
                        }
                        catch (Exception e)
                        {
                            failed.Add(name);
                            Console.WriteLine("FAIL  {0}\n      {1}", name, e.ToString().Replace("\n", "\n      "));
                        }
                    }
                }
            }
            Console.WriteLine();
            foreach (string name in failed)
            {
                Console.WriteLine("failed: " + name);
            }
            Console.WriteLine("{0} passed, {1} failed ({2:0.0} s)", passed, failed.Count, total.Elapsed.TotalSeconds);
            return failed.Count == 0 && passed > 0 ? 0 : 1;
        }
    }

    /// <summary>A temporary folder, deleted with its contents on Dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kluis-cs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; private set; }

        public string File(string name)
        {
            return System.IO.Path.Combine(Path, name);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
