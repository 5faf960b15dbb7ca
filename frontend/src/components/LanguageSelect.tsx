import { Select, type SelectProps } from '@mantine/core';
import { useQuery } from 'urql';
import { graphql } from '../gql';

const LanguagesQuery = graphql(`
  query Languages {
    languages {
      tag
      name
    }
  }
`);

/** The languages invoices can be printed in (Query.languages), by their own names. */
export function LanguageSelect(props: Omit<SelectProps, 'data'>) {
  const [{ data }] = useQuery({ query: LanguagesQuery });
  const options = (data?.languages ?? []).map((l) => ({ value: l.tag, label: `${l.name} (${l.tag})` }));
  // Keep a saved value visible while the list loads.
  if (props.value && !options.some((o) => o.value === props.value)) options.push({ value: props.value, label: props.value });
  return <Select searchable nothingFoundMessage="No such language" {...props} data={options} />;
}
