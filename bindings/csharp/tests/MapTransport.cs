// A Transport written in C#: the whole store in dictionaries. It follows the
// contract of kluis_transfer::Transport and throws TransportExceptions, which
// the transfer code maps to KluisException.NotFound / .Transport.

using System;
using System.Collections.Generic;
using System.Linq;

namespace Kluis.Tests
{
    public class MapTransport : ITransport
    {
        public readonly Dictionary<string, byte[]> Partial = new Dictionary<string, byte[]>();
        public readonly Dictionary<string, byte[]> Complete = new Dictionary<string, byte[]>();
        public readonly Dictionary<string, ulong> Expires = new Dictionary<string, ulong>();
        public readonly HashSet<string> Transfers = new HashSet<string>();
        public readonly Dictionary<string, int> Calls = new Dictionary<string, int>();
        public readonly List<TransferPlan> Plans = new List<TransferPlan>();
        private readonly object gate = new object();

        public static string Key(string transferId, string blob)
        {
            return transferId + "/" + blob;
        }

        public int CallCount(string name)
        {
            lock (gate)
            {
                int n;
                return Calls.TryGetValue(name, out n) ? n : 0;
            }
        }

        private void Count(string name)
        {
            Calls[name] = CallCount(name) + 1;
        }

        // Called before every upload attempt: idempotent. A plain store keeps
        // only the announcement, for the tests to look at.
        public virtual void BeginTransfer(TransferPlan plan)
        {
            lock (gate)
            {
                Count("BeginTransfer");
                Plans.Add(plan);
            }
        }

        public virtual void PutRange(string transferId, string blob, ulong offset, byte[] data)
        {
            lock (gate)
            {
                Count("PutRange");
                string key = Key(transferId, blob);
                if (Expires.ContainsKey(transferId))
                {
                    throw new TransportException.Conflict("transfer " + transferId + " is finished");
                }
                if (Complete.ContainsKey(key))
                {
                    throw new TransportException.Conflict(blob + " is already complete");
                }
                byte[] old;
                if (!Partial.TryGetValue(key, out old))
                {
                    old = new byte[0];
                }
                if (offset > (ulong)old.Length)
                {
                    throw new TransportException.Conflict("offset " + offset + " past the end (" + old.Length + ")");
                }
                var bytes = new byte[(int)offset + data.Length];
                Buffer.BlockCopy(old, 0, bytes, 0, (int)offset);
                Buffer.BlockCopy(data, 0, bytes, (int)offset, data.Length);
                Partial[key] = bytes;
                Transfers.Add(transferId);
            }
        }

        public ulong? PartialLen(string transferId, string blob)
        {
            lock (gate)
            {
                byte[] bytes;
                return Partial.TryGetValue(Key(transferId, blob), out bytes) ? (ulong?)bytes.Length : null;
            }
        }

        public void FinishBlob(string transferId, string blob, ulong totalLen)
        {
            lock (gate)
            {
                Count("FinishBlob");
                string key = Key(transferId, blob);
                byte[] done;
                if (Complete.TryGetValue(key, out done))
                {
                    if ((ulong)done.Length != totalLen)
                    {
                        throw new TransportException.Conflict("complete with another length");
                    }
                    return;
                }
                byte[] bytes;
                if (!Partial.TryGetValue(key, out bytes))
                {
                    throw new TransportException.NotFound(blob + " of " + transferId);
                }
                if ((ulong)bytes.Length != totalLen)
                {
                    throw new TransportException.Conflict(bytes.Length + " bytes, not " + totalLen);
                }
                Complete[key] = bytes;
                Partial.Remove(key);
            }
        }

        public ulong? CompleteLen(string transferId, string blob)
        {
            lock (gate)
            {
                byte[] bytes;
                return Complete.TryGetValue(Key(transferId, blob), out bytes) ? (ulong?)bytes.Length : null;
            }
        }

        public byte[] ReadRange(string transferId, string blob, ulong offset, ulong length)
        {
            lock (gate)
            {
                Count("ReadRange");
                byte[] bytes;
                if (!Complete.TryGetValue(Key(transferId, blob), out bytes))
                {
                    throw new TransportException.NotFound(blob + " of " + transferId);
                }
                int start = (int)Math.Min(offset, (ulong)bytes.Length);
                int end = (int)Math.Min(offset + length, (ulong)bytes.Length);
                var piece = new byte[end - start];
                Buffer.BlockCopy(bytes, start, piece, 0, piece.Length);
                return piece;
            }
        }

        public void FinishTransfer(string transferId, ulong expiresAt)
        {
            lock (gate)
            {
                if (!Transfers.Contains(transferId))
                {
                    throw new TransportException.NotFound(transferId);
                }
                if (!Complete.ContainsKey(Key(transferId, "manifest")))
                {
                    throw new TransportException.Conflict("the manifest is not complete");
                }
                ulong existing;
                if (Expires.TryGetValue(transferId, out existing) && existing != expiresAt)
                {
                    throw new TransportException.Conflict("finished with another expiry");
                }
                Expires[transferId] = expiresAt;
            }
        }

        public ulong? Expiry(string transferId)
        {
            lock (gate)
            {
                if (!Transfers.Contains(transferId))
                {
                    throw new TransportException.NotFound(transferId);
                }
                ulong at;
                return Expires.TryGetValue(transferId, out at) ? (ulong?)at : null;
            }
        }

        public void DeleteTransfer(string transferId)
        {
            lock (gate)
            {
                Transfers.Remove(transferId);
                Expires.Remove(transferId);
                foreach (string key in Partial.Keys.Where(k => k.StartsWith(transferId + "/")).ToList())
                {
                    Partial.Remove(key);
                }
                foreach (string key in Complete.Keys.Where(k => k.StartsWith(transferId + "/")).ToList())
                {
                    Complete.Remove(key);
                }
            }
        }

        public List<string> ListExpired(ulong now)
        {
            lock (gate)
            {
                return Expires.Where(e => e.Value <= now).Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
            }
        }
    }
}
