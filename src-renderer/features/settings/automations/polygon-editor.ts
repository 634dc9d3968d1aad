/**
 * A small polygon editor on a Leaflet map: a click adds a vertex after the last one,
 * a vertex is dragged to move it, a right click (or the list's buttons) removes it.
 * Written here rather than taken from Leaflet.draw/Leaflet-Geoman: one polygon with
 * click and drag is all the rules need, and those plugins are either unmaintained or
 * far bigger than the feature.
 */
import L from 'leaflet';

export type Vertex = [number, number];

export interface PolygonEditor {
  /** Redraws from the given vertices (the component's state is the truth). */
  set(vertices: readonly Vertex[]): void;
  /** A vertex at the map's centre: with the keyboard, pan with the arrows and add. */
  addCenter(): void;
  fit(): void;
  destroy(): void;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
const vertexIcon = L.divIcon({ className: 'area-vertex', iconSize: [14, 14], html: '<span></span>' });

export function createPolygonEditor(map: L.Map, onChange: (vertices: Vertex[]) => void): PolygonEditor {
  let vertices: Vertex[] = [];
  const markers: L.Marker[] = [];
  // SVG, not the map's canvas: the outline stays a crisp element over the tiles.
  const renderer = L.svg();
  const shape = L.polygon([], {
    renderer,
    color: '#1a4f8b',
    weight: 2,
    fillOpacity: 0.15,
    interactive: false,
  }).addTo(map);
  const path = L.polyline([], {
    renderer,
    color: '#1a4f8b',
    weight: 2,
    dashArray: '4 4',
    interactive: false,
  }).addTo(map);

  const emit = () => onChange(vertices.map(([a, b]) => [a, b] as Vertex));

  function draw() {
    const latlngs = vertices.map(([a, b]) => L.latLng(a, b));
    if (vertices.length >= 3) {
      shape.setLatLngs(latlngs);
      path.setLatLngs([]);
    } else {
      shape.setLatLngs([]);
      path.setLatLngs(latlngs);
    }
    while (markers.length > vertices.length) markers.pop()!.remove();
    vertices.forEach(([a, b], i) => {
      let m = markers[i];
      if (!m) {
        m = L.marker([a, b], {
          draggable: true,
          icon: vertexIcon,
          keyboard: true,
          title: `Punto ${i + 1} dell’area: trascinalo per spostarlo, clic destro per toglierlo`,
        });
        const at = i;
        m.on('drag', () => {
          const p = m!.getLatLng();
          vertices[at] = [round(p.lat), round(p.lng)];
          const latlngs2 = vertices.map(([x, y]) => L.latLng(x, y));
          if (vertices.length >= 3) shape.setLatLngs(latlngs2);
          else path.setLatLngs(latlngs2);
        });
        m.on('dragend', emit);
        m.on('contextmenu', () => {
          vertices.splice(at, 1);
          draw();
          emit();
        });
        m.addTo(map);
        markers[i] = m;
      } else m.setLatLng([a, b]);
    });
  }

  const add = (p: L.LatLng) => {
    vertices.push([round(p.lat), round(p.lng)]);
    draw();
    emit();
  };
  const onClick = (e: L.LeafletMouseEvent) => add(e.latlng);
  map.on('click', onClick);
  // Quick clicks while drawing are vertices, not a zoom.
  map.doubleClickZoom.disable();

  return {
    set(next) {
      const same =
        next.length === vertices.length &&
        next.every(([a, b], i) => vertices[i]![0] === a && vertices[i]![1] === b);
      if (same) return;
      vertices = next.map(([a, b]) => [a, b]);
      // Markers carry their index: rebuild them when the list was edited from outside.
      while (markers.length) markers.pop()!.remove();
      draw();
    },
    addCenter() {
      add(map.getCenter());
    },
    fit() {
      if (vertices.length >= 2)
        map.fitBounds(L.latLngBounds(vertices.map(([a, b]) => L.latLng(a, b))).pad(0.3));
    },
    destroy() {
      map.off('click', onClick);
      map.doubleClickZoom.enable();
      markers.forEach((m) => m.remove());
      shape.remove();
      path.remove();
    },
  };
}
