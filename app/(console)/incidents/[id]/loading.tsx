import { PanelSkeleton } from "@/components/ui/panel";

/** While the incident is grouped and rechecked: its panels' room, so nothing shifts when it lands. */
export default function Loading() {
  return (
    <div aria-busy="true">
      <header className="page-head">
        <div className="page-title">
          <h1>Incident</h1>
          <p className="lede">Reading the incident: its keys, what they miss, and the live recheck…</p>
        </div>
      </header>
      <PanelSkeleton id="blast" title="Blast radius" minHeight={180} lines={4} />
      <PanelSkeleton id="recovery" title="Recovery" minHeight={220} lines={5} />
      <PanelSkeleton id="keys" title="Keys" minHeight={600} lines={12} />
    </div>
  );
}
