// picomatch v4 ships no types and @types/picomatch is not installed; this covers what the config uses.
declare module 'picomatch' {
  namespace picomatch {
    interface Options {
      dot?: boolean;
      nocase?: boolean;
      windows?: boolean;
      [option: string]: unknown;
    }
    type Matcher = (input: string) => boolean;
  }
  function picomatch(glob: string | readonly string[], options?: picomatch.Options): picomatch.Matcher;
  export = picomatch;
}
