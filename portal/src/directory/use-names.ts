/** Names for the ids a view shows, asked of the gateway once per session (in memory) and shown as they arrive. */
import { useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../api/client';
import { directoryApi } from '../api/endpoints';
import { useSession } from '../session/session';
import { NameBook, partyKey } from './names';
import type { Directory, PartyRef } from './names';

/** One book per signed-in client: a new session starts with an empty one. */
const books = new WeakMap<ApiClient, NameBook>();

function bookOf(client: ApiClient): NameBook {
  let book = books.get(client);
  if (book === undefined) {
    const api = directoryApi(client);
    book = new NameBook((parties) => api.names(parties));
    books.set(client, book);
  }
  return book;
}

/** The names of `parties` (ids until their names arrive). */
export function useNames(parties: readonly PartyRef[]): Required<Directory> {
  const { client } = useSession();
  const book = bookOf(client);
  const [learnt, setLearnt] = useState(0);
  const key = [...new Set(parties.map(partyKey))].sort().join(',');
  useEffect(() => {
    let current = true;
    void book.learn(parties).then((changed) => {
      if (changed && current) setLearnt((n) => n + 1);
    });
    return () => {
      current = false;
    };
    // The parties' keys decide when to ask (the array itself is new on every render).
  }, [book, key]);
  return useMemo(() => book.directory(), [book, learnt]);
}
