import { expect, test } from './a11y';
import { EMPLOYEE, jsOn, ready, signIn, openFromNav } from './helpers';

// Each project uses its own employee and manager, so the two runs do not see each other's ratings.
const people = (js: boolean) =>
  js
    ? { employee: 'mei.tanaka@northwind.example', name: 'Mei Tanaka', manager: 'grace.okafor@northwind.example' }
    : { employee: 'kenji.mori@northwind.example', name: 'Kenji Mori', manager: 'sofia.lindqvist@northwind.example' };

test('an employee assesses a skill, the manager approves it, and it shows as validated with its history', async ({ page }, info) => {
  const who = people(jsOn(info));
  await signIn(page, info, who.employee);
  await openFromNav(page, 'Me', 'My skills');
  await expect(page.getByRole('heading', { level: 1, name: 'My skills' })).toBeVisible();
  await expect(page.getByText('Requirements of Software Engineer')).toBeVisible();
  await ready(page, info);

  const slider = page.getByRole('slider', { name: 'My level in Testing' });
  const item = page.getByTestId('skill').filter({ has: slider });
  await expect(slider).toHaveAttribute('aria-valuetext', 'Level 0');
  await expect(item.getByTestId('level-text')).toContainText('Not demonstrated');
  const readiness = page.getByTestId('live-readiness');
  await expect(readiness).toContainText('0%');

  if (jsOn(info)) {
    // Before saving, the description and the gap chart follow the slider.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(item.getByTestId('level-text')).toContainText('Level 2: Basic');
    await expect(item.getByTestId('level-text')).toContainText('Applies testing on well-defined tasks');
    await expect(readiness).not.toContainText(/^0%/);
    // Eleven requirements: the chart is a radar, one axis per requirement.
    const axis = page.getByTestId('gap-axis').filter({ hasText: /^Testing: level 2 of required 3/ });
    await expect(axis).toContainText('\u22121');
  } else {
    await slider.fill('2');
  }
  await page.getByLabel('Comment for your manager (optional)').fill('Wrote the tests for the billing service.');
  await page.getByRole('button', { name: 'Submit for review' }).click();
  if (jsOn(info)) await expect(page.getByText('Submitted 1 rating for your manager')).toBeVisible();
  await expect(item.getByText('pending review: Level 2: Basic')).toBeVisible();

  // Evidence: a certificate, checked by its content, attached to the pending rating.
  await item.getByRole('link', { name: 'History and evidence' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${who.name}: Testing` })).toBeVisible();
  await ready(page, info);
  await page.getByText('Add evidence').first().click();
  await page.getByLabel('File', { exact: true }).first().setInputFiles({
    name: 'testing-certificate.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
  });
  await page.getByRole('button', { name: 'Upload' }).first().click();
  await expect(page.getByTestId('evidence').filter({ hasText: 'testing-certificate.pdf' })).toBeVisible();

  // The manager approves it from the queue.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, info, who.manager);
  await openFromNav(page, 'My team', 'Reviews');
  await expect(page.getByRole('heading', { level: 1, name: 'Reviews' })).toBeVisible();
  const review = page.getByTestId('review').filter({ hasText: who.name }).filter({ hasText: 'Testing' });
  await expect(review).toContainText('Wrote the tests for the billing service.');
  await expect(review.getByRole('link', { name: 'testing-certificate.pdf' })).toBeVisible();
  await ready(page, info);
  await review.getByRole('button', { name: `Approve ${who.name} on Testing` }).click();
  await expect(page.getByTestId('review').filter({ hasText: who.name }).filter({ hasText: 'Testing' })).toHaveCount(0);

  // The employee sees the validated level and the history entry.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, info, who.employee);
  // The decision waits in the inbox, counted in the header.
  await expect(page.getByTestId('inbox-link')).toHaveAttribute('aria-label', 'Inbox, 1 unread');
  await page.getByTestId('inbox-link').click();
  await expect(page.getByTestId('inbox-item').first()).toContainText('approved your level 2 in Testing');
  await page.goto('/skills');
  await ready(page, info);
  const mine = page.getByTestId('skill').filter({ has: page.getByRole('slider', { name: 'My level in Testing' }) });
  await expect(mine).toContainText('Current: Level 2: Basic (self-assessment');
  await mine.getByRole('link', { name: 'History and evidence' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${who.name}: Testing` })).toBeVisible();
  const entry = page.getByTestId('history-entry').first();
  await expect(entry).toContainText('Self-assessment: Level 2: Basic');
  await expect(entry).toContainText('Approved');
  await expect(entry).toContainText('Counts now');
  await expect(entry).toContainText('Wrote the tests for the billing service.');
});

test('a colleague is asked for their view and answers from the home page', async ({ page }, info) => {
  const [asker, peer, askerName] = jsOn(info)
    ? ['aisha.bello@northwind.example', 'ravi.iyer@northwind.example', 'Aisha Bello']
    : ['zoe.martin@northwind.example', 'ethan.walsh@northwind.example', 'Zoe Martin'];
  await signIn(page, info, asker);
  await page.goto('/skills');
  await ready(page, info);
  await page.getByLabel("Colleagues' e-mail addresses").fill(peer);
  await page.getByRole('group', { name: 'Skills to ask about' }).getByLabel('Code quality').check();
  await page.getByRole('button', { name: 'Send requests' }).click();
  if (jsOn(info)) await expect(page.getByText('Sent 1 request.')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, info, peer);
  const request = page.getByTestId('peer-request').filter({ hasText: askerName });
  await expect(request).toContainText('Code quality');
  await request.getByLabel(`Your view of ${askerName} on Code quality`, { exact: true }).selectOption('3');
  await request.getByRole('button', { name: `Give your view of ${askerName} on Code quality` }).click();
  await expect(page.getByTestId('peer-request').filter({ hasText: askerName })).toHaveCount(0);
});

test('the personal view: readiness for both positions, a live radar and the gaps in order', async ({ page }, info) => {
  // Liam holds Software Engineer (11 requirements) and aims at Senior Software Engineer.
  await signIn(page, info, EMPLOYEE);
  await page.goto('/skills');
  await ready(page, info);
  const current = page.getByTestId('readiness-current');
  const target = page.getByTestId('readiness-target');
  await expect(current).toContainText('Current position');
  await expect(current).toContainText('Software Engineer');
  await expect(current).toContainText(/\d+% ready/);
  await expect(target).toContainText('Senior Software Engineer');
  await expect(target).toContainText(/\d+% ready/);
  await expect(target.getByRole('link', { name: 'What is needed for the target position' })).toHaveAttribute(
    'href',
    /^\/careers\/compare\?position=\d+$/,
  );

  const radar = page.getByTestId('radar');
  await expect(radar).toBeVisible();
  await expect(radar.getByTestId('gap-axis')).toHaveCount(11);
  await expect(page.getByTestId('gap-bar')).toHaveCount(0);

  const gaps = page.getByTestId('gap-item');
  await expect(page.getByRole('heading', { level: 2, name: 'Your gaps' })).toBeVisible();
  await expect(gaps.first()).toContainText('Mandatory');

  if (jsOn(info)) {
    // The radar is computed in the browser: moving a slider reshapes the current-level
    // polygon at once, before anything is saved.
    const shape = page.getByTestId('radar-current');
    const before = await shape.getAttribute('points');
    const readiness = await page.getByTestId('live-readiness').textContent();
    const slider = page.getByRole('slider', { name: 'My level in Collaboration' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(shape).not.toHaveAttribute('points', before ?? '');
    await expect(page.getByTestId('live-readiness')).not.toHaveText(readiness ?? '');
    await expect(radar.getByTestId('gap-axis').filter({ hasText: /^Collaboration: level 2 of required/ })).toHaveCount(1);
    if (process.env.PROFICIO_SCREENSHOT) {
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.screenshot({ path: process.env.PROFICIO_SCREENSHOT, fullPage: true });
    }
  }
});
