/** Blocks, their transactions, one transaction, and a rule's history as field-by-field diffs. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { BlockDetail, RuleVersion, TransactionDetail } from '../api/types';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { historyDiffs } from './rule-diff';

const PAGE = 20;

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}

function TransactionView({ tx }: { tx: TransactionDetail }) {
  return (
    <div className="card">
      <h3>
        Transaction <code className="break">{tx.txId}</code>
      </h3>
      <dl className="facts">
        {tx.blockNumber !== undefined && (
          <>
            <dt>Block</dt>
            <dd>{tx.blockNumber}</dd>
          </>
        )}
        {tx.timestamp && (
          <>
            <dt>Time</dt>
            <dd>{formatWhen(tx.timestamp)}</dd>
          </>
        )}
        <dt>Organisation</dt>
        <dd>{tx.creatorMspId ?? '—'}</dd>
        <dt>Function</dt>
        <dd>{tx.function ?? '—'}</dd>
        <dt>Validation</dt>
        <dd>{tx.validationCode ?? '—'}</dd>
      </dl>
      {tx.events && tx.events.length > 0 && (
        <>
          <h4>Events</h4>
          <ul>
            {tx.events.map((e, i) => (
              <li key={i}>
                <code>{e.name}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function RuleHistoryDiff({ versions }: { versions: readonly RuleVersion[] }) {
  return (
    <ol className="rule-diffs">
      {historyDiffs(versions).map(({ version, changes }) => (
        <li key={version.version} className="card">
          <h4>
            Version {version.version} · {version.change} · {formatWhen(version.updatedAt)} ·{' '}
            <code>{short(version.txId)}</code>
          </h4>
          <table className="diff">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <th scope="row">{c.field}</th>
                  <td>
                    <del>{c.before || '—'}</del>
                  </td>
                  <td>
                    <ins>{c.after || '—'}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ol>
  );
}

function RuleHistoryLookup({ api }: { api: AuditorApi }) {
  const [ruleId, setRuleId] = useState('');
  const [versions, setVersions] = useState<readonly RuleVersion[] | undefined>();
  const find = useAction(async () => setVersions((await api.ruleHistory(ruleId.trim())).items));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void find.run();
  };
  return (
    <div>
      <h2>Rule history</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Rule id
          <input value={ruleId} onChange={(e) => setRuleId(e.target.value)} />
        </label>
        <button type="submit" disabled={!ruleId.trim() || find.pending}>
          Show history
        </button>
      </form>
      <ProblemAlert problem={find.problem} />
      {versions && <RuleHistoryDiff versions={versions} />}
    </div>
  );
}

export function ChainExplorer({ api }: { api: AuditorApi }) {
  const [from, setFrom] = useState<number | undefined>();
  const blocks = useLoad(() => api.blocks(from, PAGE), [from]);
  const [block, setBlock] = useState<BlockDetail | undefined>();
  const [tx, setTx] = useState<TransactionDetail | undefined>();
  const openBlock = useAction(async (n: number) => {
    setTx(undefined);
    setBlock(await api.block(n));
  });
  const openTx = useAction(async (txId: string) => setTx(await api.transaction(txId)));
  const items = blocks.data?.items ?? [];
  const lowest = items.length > 0 ? Math.min(...items.map((b) => b.number)) : undefined;
  return (
    <div>
      <h1>Chain explorer</h1>
      <ProblemAlert problem={blocks.problem ?? openBlock.problem ?? openTx.problem} />
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Block</th>
              <th scope="col">Transactions</th>
              <th scope="col">Hash</th>
              <th scope="col">Previous hash</th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={b.number}>
                <td>
                  <button type="button" className="link" onClick={() => void openBlock.run(b.number)}>
                    Block {b.number}
                  </button>
                </td>
                <td>{b.transactionCount}</td>
                <td>
                  <code title={b.hash}>{short(b.hash)}</code>
                </td>
                <td>
                  <code title={b.previousHash}>{short(b.previousHash)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" disabled={from === undefined} onClick={() => setFrom(undefined)}>
          Latest blocks
        </button>
        <button
          type="button"
          disabled={lowest === undefined || lowest === 0}
          onClick={() => setFrom(Math.max(0, (lowest ?? 0) - PAGE))}
        >
          Older blocks
        </button>
      </div>
      {block && (
        <div className="card">
          <h2>Block {block.number}</h2>
          <dl className="facts">
            <dt>Hash</dt>
            <dd>
              <code className="break">{block.hash}</code>
            </dd>
            <dt>Previous hash</dt>
            <dd>
              <code className="break">{block.previousHash}</code>
            </dd>
            {block.dataHash && (
              <>
                <dt>Data hash</dt>
                <dd>
                  <code className="break">{block.dataHash}</code>
                </dd>
              </>
            )}
          </dl>
          <ul>
            {block.transactions.map((t) => (
              <li key={t.txId}>
                <button type="button" className="link" onClick={() => void openTx.run(t.txId)}>
                  {t.function ?? 'transaction'} <code>{short(t.txId)}</code>
                </button>{' '}
                <span className="muted">{t.validationCode}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {tx && <TransactionView tx={tx} />}
      <RuleHistoryLookup api={api} />
    </div>
  );
}
