// A small JSON reader for the test-vector files (Mono's profile has no JSON
// library without extra references): objects as dictionaries, arrays as
// lists, numbers as long or double, strings with every escape. Throws on
// anything that is not JSON.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Kluis.Tests
{
    public sealed class MiniJson
    {
        private readonly string s;
        private int at;

        private MiniJson(string text)
        {
            s = text;
        }

        public static object Parse(string text)
        {
            var r = new MiniJson(text);
            object value = r.Value();
            r.Space();
            if (r.at != text.Length) throw new FormatException("JSON: trailing text at " + r.at);
            return value;
        }

        private void Space()
        {
            while (at < s.Length && " \t\r\n".IndexOf(s[at]) >= 0) at++;
        }

        private char Next()
        {
            if (at >= s.Length) throw new FormatException("JSON: unexpected end");
            return s[at++];
        }

        private object Value()
        {
            Space();
            if (at >= s.Length) throw new FormatException("JSON: unexpected end");
            switch (s[at])
            {
                case '{': return Obj();
                case '[': return Arr();
                case '"': return Str();
                case 't': return Word("true", true);
                case 'f': return Word("false", false);
                case 'n': return Word("null", null);
                default: return Num();
            }
        }

        private object Word(string w, object v)
        {
            if (string.CompareOrdinal(s, at, w, 0, w.Length) != 0) throw new FormatException("JSON: bad literal at " + at);
            at += w.Length;
            return v;
        }

        private Dictionary<string, object> Obj()
        {
            var m = new Dictionary<string, object>();
            at++;
            Space();
            if (at < s.Length && s[at] == '}')
            {
                at++;
                return m;
            }
            while (true)
            {
                Space();
                string k = Str();
                Space();
                if (Next() != ':') throw new FormatException("JSON: ':' expected at " + (at - 1));
                m[k] = Value();
                Space();
                char c = Next();
                if (c == '}') return m;
                if (c != ',') throw new FormatException("JSON: ',' or '}' expected at " + (at - 1));
            }
        }

        private List<object> Arr()
        {
            var l = new List<object>();
            at++;
            Space();
            if (at < s.Length && s[at] == ']')
            {
                at++;
                return l;
            }
            while (true)
            {
                l.Add(Value());
                Space();
                char c = Next();
                if (c == ']') return l;
                if (c != ',') throw new FormatException("JSON: ',' or ']' expected at " + (at - 1));
            }
        }

        private string Str()
        {
            if (Next() != '"') throw new FormatException("JSON: string expected at " + (at - 1));
            var b = new StringBuilder();
            while (true)
            {
                char c = Next();
                if (c == '"') return b.ToString();
                if (c != '\\')
                {
                    b.Append(c);
                    continue;
                }
                char e = Next();
                switch (e)
                {
                    case '"': case '\\': case '/': b.Append(e); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        if (at + 4 > s.Length) throw new FormatException("JSON: unexpected end");
                        b.Append((char)int.Parse(s.Substring(at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        at += 4;
                        break;
                    default: throw new FormatException("JSON: bad escape at " + (at - 1));
                }
            }
        }

        private object Num()
        {
            int start = at;
            while (at < s.Length && "-+.eE0123456789".IndexOf(s[at]) >= 0) at++;
            string t = s.Substring(start, at - start);
            if (t.Length == 0) throw new FormatException("JSON: unexpected '" + s[start] + "' at " + start);
            long n;
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
            return double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }
}
