import sys, json, time, os
f = sys.argv[1]; sys.argv=[sys.argv[0]]
exec(open('/tmp/rp/cdp.py').read().split("for f in sys.argv[1:]:")[0])
call('Page.navigate', {'url': 'file://' + os.path.abspath(f)})
while not ev('!!(window.socklab && window.socklab.loadMs !== null)'): time.sleep(0.05)
print(ev("""(async () => { const v = document.getElementById('viewport'); const frames = [];
  for (let k = 0; k < 120; k++) { const t0 = performance.now(); v.scrollTop += 7919; await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    frames.push(performance.now() - t0); }
  frames.sort((a, b) => a - b); return { median: frames[60], p95: frames[114], max: frames[119], rows: document.querySelectorAll('#rows .row').length, top: v.scrollTop }; })()"""))
p.kill()
