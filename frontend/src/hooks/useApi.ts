import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useBlockNumber } from 'wagmi';
import { deployment } from '../config/deployment';
import { apiGet, apiGetAll, INDEX_CATCH_UP_MS, type Indexed, type QueryParams } from '../lib/api';

/**
 * A read of the platform's index through the read API. It is asked again on every new block, and
 * every INDEX_CATCH_UP_MS while the index has not yet read the chain's latest block, so a transaction the
 * page has just seen confirmed shows in its history moments later, without a reload.
 * `behind` says the answer does not include the chain's latest block yet; `more`, that a list read
 * whole (`all`) stopped at its page limit.
 */
export function useApi<T>(path: string | undefined, params: QueryParams = {}, options: { all?: boolean } = {}) {
  const block = useBlockNumber({ watch: true });
  const key = Object.entries(params).map(([name, value]) => `${name}=${String(value ?? '')}`);
  const query = useQuery<Indexed<T>>({
    queryKey: ['api', path, ...key, options.all ? 'all' : 'page', String(block.data ?? '')],
    queryFn: ({ signal }) =>
      options.all
        ? (apiGetAll(deployment.apiUrl, path!, params) as Promise<Indexed<T>>)
        : apiGet<T>(deployment.apiUrl, path!, params, signal),
    enabled: Boolean(path),
    placeholderData: keepPreviousData,
    refetchInterval: (current) => {
      const indexBlock = current.state.data?.indexBlock;
      return indexBlock !== undefined && block.data !== undefined && indexBlock < block.data ? INDEX_CATCH_UP_MS : false;
    },
  });
  const indexBlock = query.data?.indexBlock;
  return {
    ...query,
    value: query.data?.data,
    more: query.data?.more ?? false,
    behind: indexBlock !== undefined && block.data !== undefined && indexBlock < block.data,
  };
}
