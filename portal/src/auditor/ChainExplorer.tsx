/** Blocks, their transactions, one transaction, and a rule's history as field-by-field diffs. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { BlockPage, BlockView, RuleVersion, TransactionView as Transaction } from '../api/types';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { historyDiffs } from './rule-diff';

const PAGE = 20;

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-6)}` : hash;
}

function TransactionDetails({ tx }: { tx: Transaction }) {
  return (
    <div className="card">
      <h3>
        Transaction <code className="break">{tx.txId}</code>
      </h3>
      <dl className="facts">
        <dt>Block</dt>
        <dd>{tx.blockNumber}</dd>
        <dt>Time</dt>
        <dd>{formatWhen(tx.timestamp)}</dd>
        <dt>Organisation</dt>
        <dd>{tx.creatorMspId}</dd>
        <dt>Function</dt>
        <dd>
          {tx.chaincodeName ? `${tx.chaincodeName} ` : ''}
          {tx.functionName ?? tx.type}
        </dd>
        <dt>Validation</dt>
        <dd>{tx.validationCode}</dd>
      </dl>
      {tx.writes.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>Writes</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {tx.writes.map((w, i) => (
                <tr key={i}>
                  <td>
                    <code className="break">
                      {w.objectType ? `${w.objectType} ${(w.attributes ?? []).join(' / ')}` : w.key}
                    </code>
                  </td>
                  <td>
                    {w.isDelete ? <em>deleted</em> : <code className="break">{w.value.slice(0, 300)}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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

/** The page of blocks to show: the latest ones when `from` is not given. */
async function loadBlocks(api: AuditorApi, from: number | undefined): Promise<BlockPage> {
  if (from !== undefined) return api.blocks(from, PAGE);
  const { height } = await api.blocks(0, 1);
  return api.blocks(Math.max(0, height - PAGE), PAGE);
}

export function ChainExplorer({ api }: { api: AuditorApi }) {
  const [from, setFrom] = useState<number | undefined>();
  const page = useLoad(() => loadBlocks(api, from), [from]);
  const [block, setBlock] = useState<BlockView | undefined>();
  const [tx, setTx] = useState<Transaction | undefined>();
  const openBlock = useAction(async (n: number) => {
    setTx(undefined);
    setBlock(await api.block(n));
  });
  const openTx = useAction(async (txId: string) => setTx(await api.transaction(txId)));
  const items = [...(page.data?.blocks ?? [])].sort((a, b) => b.number - a.number);
  const lowest = items.length > 0 ? Math.min(...items.map((b) => b.number)) : undefined;
  return (
    <div>
      <h1>Chain explorer</h1>
      {page.data && <p className="muted">{page.data.height} blocks in the chain.</p>}
      <ProblemAlert problem={page.problem ?? openBlock.problem ?? openTx.problem} />
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
            <dt>Data hash</dt>
            <dd>
              <code className="break">{block.dataHash}</code>
            </dd>
          </dl>
          <ul>
            {block.transactions.map((t) => (
              <li key={t.txId}>
                <button type="button" className="link" onClick={() => void openTx.run(t.txId)}>
                  {t.functionName ?? t.type} <code>{short(t.txId)}</code>
                </button>{' '}
                <span className="muted">{t.validationCode}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {tx && <TransactionDetails tx={tx} />}
      <RuleHistoryLookup api={api} />
    </div>
  );
}
